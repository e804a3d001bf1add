package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.VectorSupport;

/**
 * Row kernels over contiguous float32 data, the inner loops of ExecuTorch's "innermost contiguous
 * dim" fast paths (sum, mean, amax, amin, softmax, log_softmax). Offsets and lengths are in
 * elements. {@link ScalarFloatRows} is the reference; {@code VectorFloatRows} the Vector API
 * version, chosen once by {@link #get()} the way Lucene's vectorization provider chooses.
 */
public interface FloatRows {
  /** The sum of {@code n} floats, accumulated in float. */
  float sum(MemorySegment s, long off, int n);

  /** The largest of {@code n >= 1} floats; NaN if any is NaN. */
  float max(MemorySegment s, long off, int n);

  /** The smallest of {@code n >= 1} floats; NaN if any is NaN. */
  float min(MemorySegment s, long off, int n);

  /**
   * The index of the first NaN among {@code n >= 1} floats, else of the first largest (when
   * {@code max}) or smallest one: ExecuTorch's argmax/argmin rule.
   */
  int argExtreme(MemorySegment s, long off, int n, boolean max);

  /** {@code out = exp(x - max) / sum(exp(x - max))} over one row of {@code n >= 1}. */
  void softmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n);

  /** {@code out = x - max - log(sum(exp(x - max)))} over one row of {@code n >= 1}. */
  void logSoftmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n);

  /** The implementation for this JVM: vector when {@link VectorSupport#enabled()}. */
  static FloatRows get() {
    return Holder.INSTANCE;
  }

  /** Loads the vector class reflectively so this interface never links incubator types. */
  final class Holder {
    static final FloatRows INSTANCE = choose();

    private Holder() {}

    private static FloatRows choose() {
      if (!VectorSupport.enabled()) {
        return ScalarFloatRows.INSTANCE;
      }
      try {
        return (FloatRows)
            Class.forName("org.et4j.kernels.portable.reduce.VectorFloatRows")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        System.err.println("et4j: WARNING: vector row kernels unavailable (" + e + "); using scalar");
        return ScalarFloatRows.INSTANCE;
      }
    }
  }
}
