package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code Add} of two {@code qint8} tensors (its {@code qs8-vadd} kernels, {@code
 * src/qs8-vadd/gen/qs8-vadd-minmax-scalar-u1.c}; this machine runs {@code
 * qs8-vadd-minmax-avx512skx-mul32-ld128-u16.c}, the same integers). Parameters from {@code
 * xnn_init_qs8_add_minmax_scalar_params} ({@code src/microparams-init.c}):
 *
 * <pre>
 *   aOut = aScale / outScale,  bOut = bScale / outScale              (float)
 *   shift = 20 - (exponent of max(|aOut|, |bOut|))                  (in [12, 30])
 *   aMul = lrintf(aOut * 2^shift),  bMul = lrintf(bOut * 2^shift)    (exponent bits + shift)
 *   bias = 2^(shift - 1) - aMul * aZp - bMul * bZp                    (int32, wrapping)
 *   y    = clamp((bias + a * aMul + b * bMul) >> shift  + outZp, qmin, qmax)   (arithmetic shift)
 * </pre>
 *
 * The kernel itself clamps to [-128, 127]; a fused activation is a separate {@code Clamp} node
 * ({@code xnn_insert_clamp_node}, {@code src/subgraph/binary.c}) with bounds from {@link
 * StaticQuantization#quantizeBound}, which this class applies in the same pass. When the first
 * operand is the broadcast one XNNPACK swaps the operands and their parameters, which gives the
 * same sum. Immutable.
 */
public final class StaticQuantizedAdd {
  private static final String OP = "Add(qs8)";

  final int aMul;
  final int bMul;
  final int bias;
  final int shift;
  final int outZp;
  final int qmin;
  final int qmax;

  private StaticQuantizedAdd(int aMul, int bMul, int bias, int shift, int outZp, int qmin, int qmax) {
    this.aMul = aMul;
    this.bMul = bMul;
    this.bias = bias;
    this.shift = shift;
    this.outZp = outZp;
    this.qmin = qmin;
    this.qmax = qmax;
  }

  /** {@code outMin} / {@code outMax}: the real-valued clamp of the node (infinite for none). */
  public static StaticQuantizedAdd prepare(
      float aScale, int aZp, float bScale, int bZp, float outScale, int outZp, float outMin,
      float outMax) {
    StaticQuantization.checkQuantization(OP + " input a", aScale, aZp);
    StaticQuantization.checkQuantization(OP + " input b", bScale, bZp);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    float aOut = aScale / outScale;
    float bOut = bScale / outScale;
    float absA = Math.abs(aOut);
    float absB = Math.abs(bOut);
    float maxAbs = absA > absB ? absA : absB;
    int maxExponent = (Float.floatToRawIntBits(maxAbs) >>> 23) - 127;
    int shift = 20 - maxExponent;
    // XNNPACK asserts both ratios in [2^-10, 2^8), hence a shift in [12, 30].
    if (shift < 12 || shift > 30 || !(Math.min(absA, absB) >= 0x1.0p-10f)) {
      throw new IllegalArgumentException(
          OP + ": input/output scale ratios " + aOut + ", " + bOut + " outside [2^-10, 2^8)");
    }
    int absAMul = (int) Math.rint(Float.intBitsToFloat(Float.floatToRawIntBits(absA) + (shift << 23)));
    int absBMul = (int) Math.rint(Float.intBitsToFloat(Float.floatToRawIntBits(absB) + (shift << 23)));
    int aMul = aOut < 0 ? -absAMul : absAMul;
    int bMul = bOut < 0 ? -absBMul : absBMul;
    int rounding = 1 << (shift - 1);
    int bias = rounding - aMul * aZp - bMul * bZp;
    return new StaticQuantizedAdd(aMul, bMul, bias, shift, outZp, range[0], range[1]);
  }

  /** The int8 output range {@code [qmin, qmax]} of the fused clamp. */
  public int[] outputRange() {
    return new int[] {qmin, qmax};
  }

  /**
   * {@code y[yi + i] = a[ai + i * aStride] + b[bi + i * bStride]} for {@code i < n}; a stride of 0
   * broadcasts one element, 1 reads contiguously. Offsets count int8 elements; the output may be
   * one of the inputs (same offset) but must not otherwise overlap them.
   */
  public void run(
      MemorySegment a, long ai, long aStride, MemorySegment b, long bi, long bStride,
      MemorySegment y, long yi, long n) {
    StaticQuantization.nonNegative(OP, "count", n);
    if (n == 0) {
      return;
    }
    checkStride(aStride);
    checkStride(bStride);
    StaticQuantization.checkBytes(OP, "input a", a, ai, aStride == 0 ? 1 : n);
    StaticQuantization.checkBytes(OP, "input b", b, bi, bStride == 0 ? 1 : n);
    StaticQuantization.checkBytes(OP, "output", y, yi, n);
    StaticQuantizedIgemm vector = StaticQuantizedIgemm.chosen();
    long done = vector == null ? 0 : vector.add(this, a, ai, aStride, b, bi, bStride, y, yi, n);
    scalar(a, ai, aStride, b, bi, bStride, y, yi, done, n);
  }

  /** Elements {@code [from, to)} one at a time; the oracle, and the tail of the vector path. */
  void scalar(
      MemorySegment a, long ai, long aStride, MemorySegment b, long bi, long bStride,
      MemorySegment y, long yi, long from, long to) {
    for (long i = from; i < to; i++) {
      int va = a.get(StaticQuantization.I8, ai + i * aStride);
      int vb = b.get(StaticQuantization.I8, bi + i * bStride);
      y.set(StaticQuantization.I8, yi + i, (byte) add(va, vb));
    }
  }

  /** One element: XNNPACK's integer formula, then the clamp. */
  int add(int a, int b) {
    int v = ((bias + a * aMul + b * bMul) >> shift) + outZp;
    return Math.min(Math.max(v, qmin), qmax);
  }

  private static void checkStride(long stride) {
    if (stride != 0 && stride != 1) {
      throw new IllegalArgumentException(OP + ": stride must be 0 or 1, not " + stride);
    }
  }
}
