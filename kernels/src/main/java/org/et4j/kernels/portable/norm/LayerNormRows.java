package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.VectorSupport;

/**
 * The row kernel of {@code native_layer_norm} over contiguous float32 rows, as ExecuTorch's
 * {@code layer_norm_scalar}: the mean and variance come from a float sum and a float sum of
 * squares ({@code E[x^2] - E[x]^2}), and each output is {@code (x - mean) / std * w + b}.
 * {@link ScalarLayerNormRows} is the reference, {@code VectorLayerNormRows} the Vector API
 * version, chosen once by {@link #get()}.
 */
public interface LayerNormRows {
  /**
   * Normalizes one row of {@code n >= 1} elements. {@code weight} and {@code bias} hold {@code n}
   * floats each, or are null. Returns the row's mean and std in {@code stats[0]} and
   * {@code stats[1]}.
   */
  void row(
      MemorySegment in,
      long inOff,
      MemorySegment weight,
      MemorySegment bias,
      MemorySegment out,
      long outOff,
      int n,
      float eps,
      float[] stats);

  /** The implementation for this JVM: vector when {@link VectorSupport#enabled()}. */
  static LayerNormRows get() {
    return Holder.INSTANCE;
  }

  /** Loads the vector class reflectively so this interface never links incubator types. */
  final class Holder {
    static final LayerNormRows INSTANCE = choose();

    private Holder() {}

    private static LayerNormRows choose() {
      if (!VectorSupport.enabled()) {
        return ScalarLayerNormRows.INSTANCE;
      }
      try {
        return (LayerNormRows)
            Class.forName("org.et4j.kernels.portable.norm.VectorLayerNormRows")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        System.err.println("et4j: WARNING: vector layer_norm unavailable (" + e + "); using scalar");
        return ScalarLayerNormRows.INSTANCE;
      }
    }
  }
}
