package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code Multiply} of two {@code qint8} tensors (its {@code qs8-vmul} fp32 kernels,
 * {@code src/qs8-vmul/gen/qs8-vmul-minmax-fp32-scalar-u1.c}; this machine runs {@code
 * qs8-vmul-minmax-fp32-avx-mul16-ld64-u16.c}, the same integers). Parameters from {@code
 * xnn_init_qs8_mul_minmax_scalar_params} ({@code src/microparams-init.c}):
 *
 * <pre>
 *   scale = (aScale * bScale) / outScale                                   (float, in that order)
 *   y     = requantize((a - aZp) * (b - bZp), scale, outZp, qmin, qmax)
 * </pre>
 *
 * with {@link StaticQuantization#requantize}. As for {@link StaticQuantizedAdd}, the kernel clamps
 * to [-128, 127] and a fused activation is a separate {@code Clamp} node, applied here in the same
 * pass. Immutable.
 */
public final class StaticQuantizedMultiply {
  private static final String OP = "Multiply(qs8)";

  final int aZp;
  final int bZp;
  final float scale;
  final int outZp;
  final int qmin;
  final int qmax;

  private StaticQuantizedMultiply(int aZp, int bZp, float scale, int outZp, int qmin, int qmax) {
    this.aZp = aZp;
    this.bZp = bZp;
    this.scale = scale;
    this.outZp = outZp;
    this.qmin = qmin;
    this.qmax = qmax;
  }

  /** {@code outMin} / {@code outMax}: the real-valued clamp of the node (infinite for none). */
  public static StaticQuantizedMultiply prepare(
      float aScale, int aZp, float bScale, int bZp, float outScale, int outZp, float outMin,
      float outMax) {
    StaticQuantization.checkQuantization(OP + " input a", aScale, aZp);
    StaticQuantization.checkQuantization(OP + " input b", bScale, bZp);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    float productScale = aScale * bScale;
    float scale = productScale / outScale;
    if (!(scale < 256.0f)) {
      throw new IllegalArgumentException(OP + ": product/output scale " + scale + " >= 256");
    }
    return new StaticQuantizedMultiply(aZp, bZp, scale, outZp, range[0], range[1]);
  }

  /** The int8 output range {@code [qmin, qmax]} of the fused clamp. */
  public int[] outputRange() {
    return new int[] {qmin, qmax};
  }

  /**
   * {@code y[yi + i] = a[ai + i * aStride] * b[bi + i * bStride]} for {@code i < n}; a stride of 0
   * broadcasts one element, 1 reads contiguously. Offsets count int8 elements.
   */
  public void run(
      MemorySegment a, long ai, long aStride, MemorySegment b, long bi, long bStride,
      MemorySegment y, long yi, long n) {
    StaticQuantization.nonNegative(OP, "count", n);
    if (n == 0) {
      return;
    }
    if ((aStride != 0 && aStride != 1) || (bStride != 0 && bStride != 1)) {
      throw new IllegalArgumentException(OP + ": strides must be 0 or 1");
    }
    StaticQuantization.checkBytes(OP, "input a", a, ai, aStride == 0 ? 1 : n);
    StaticQuantization.checkBytes(OP, "input b", b, bi, bStride == 0 ? 1 : n);
    StaticQuantization.checkBytes(OP, "output", y, yi, n);
    StaticQuantizedIgemm vector = StaticQuantizedIgemm.chosen();
    long done =
        vector == null ? 0 : vector.multiply(this, a, ai, aStride, b, bi, bStride, y, yi, n);
    scalar(a, ai, aStride, b, bi, bStride, y, yi, done, n);
  }

  /** Elements {@code [from, to)} one at a time; the oracle, and the tail of the vector path. */
  void scalar(
      MemorySegment a, long ai, long aStride, MemorySegment b, long bi, long bStride,
      MemorySegment y, long yi, long from, long to) {
    for (long i = from; i < to; i++) {
      int va = a.get(StaticQuantization.I8, ai + i * aStride) - aZp;
      int vb = b.get(StaticQuantization.I8, bi + i * bStride) - bZp;
      y.set(
          StaticQuantization.I8,
          yi + i,
          (byte) StaticQuantization.requantize(va * vb, scale, outZp, qmin, qmax));
    }
  }
}
