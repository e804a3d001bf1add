package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.VectorSupport;

/**
 * The inner loop of int8/uint8 to float32 dequantization, {@code out[i] = (float) (q[i] - zp) *
 * scale}, over elements {@code [from, to)} of a contiguous range. Both implementations give the
 * same bits: the integer difference is exact in float and is rounded once by the multiply.
 * {@link ScalarDequantizeRows} is the reference; {@code VectorDequantizeRows} the Vector API
 * version, chosen once by {@link #get()}.
 */
public interface DequantizeRows {
  /** Dequantizes elements {@code [from, to)}; {@code unsigned} reads the bytes as uint8. */
  void dequantize(MemorySegment src, MemorySegment dst, long from, long to, int zeroPoint, float scale, boolean unsigned);

  /** The implementation for this JVM: vector when {@link VectorSupport#enabled()}. */
  static DequantizeRows get() {
    return Holder.INSTANCE;
  }

  /** Loads the vector class reflectively so this interface never links incubator types. */
  final class Holder {
    static final DequantizeRows INSTANCE = choose();

    private Holder() {}

    private static DequantizeRows choose() {
      if (!VectorSupport.enabled()) {
        return ScalarDequantizeRows.INSTANCE;
      }
      try {
        return (DequantizeRows)
            Class.forName("org.et4j.kernels.quantized.VectorDequantizeRows").getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        System.err.println("et4j: WARNING: vector dequantize unavailable (" + e + "); using scalar");
        return ScalarDequantizeRows.INSTANCE;
      }
    }
  }
}
