package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * XNNPACK's dynamic per-row quantization of float32 activations to int8 ({@code qd8}): what a
 * {@code Convert} node with a {@code qdint8} output computes, one row at a time. For a {@code [B,
 * T, K]} input quantized per token ({@code PerTokenDynamicQuant}, one non-batch dim), a row is one
 * {@code K}-vector and there are {@code B * T} rows.
 *
 * <p>The math, from {@code src/xnnpack/quantization.h} ({@code
 * xnn_qd8_asymmetric_quantization_params}, {@code xnn_f32_qd8_asymmetric_quantization_params}) and
 * {@code src/operator-run.c} ({@code xnn_compute_f32_qx8_convert}), all in float32:
 *
 * <pre>
 *   rmin = min(0, min(row)), rmax = max(0, max(row))
 *   s    = rmin == rmax ? 1 : 255f / (rmax - rmin)            (the quantizing multiplier)
 *   zp   = (-128 + rmin*s) + (127 + rmax*s) > 0 ? -128 - rmin*s : 127 - rmax*s
 *   zp   = lrintf(clamp(zp, -128, 127))                       (round half to even)
 *   q    = clamp(rint(x * s) + zp, -128, 127)                  (rint: half to even)
 *   scale (stored, used to dequantize) = 1f / s
 * </pre>
 *
 * The element conversion follows {@code src/f32-qs8-vcvt/} (the AVX-512 and AVX2 kernels round
 * with {@code cvtps2dq}, the scalar one with {@code lrintf}; all round half to even and saturate
 * the same way). XNNPACK may instead quantize to uint8 ({@code qdu8}, zero point + 128) when that
 * picks a faster GEMM; the values are then these plus 128, so the integer products are the same.
 */
public final class DynamicQuantization {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private DynamicQuantization() {}

  /**
   * Quantizes {@code rows} rows of {@code k} floats, row {@code i} at float index {@code inOffset
   * + i * ldIn} of {@code in}, into {@code out} (row {@code i} at {@code outOffset + i * ldOut}),
   * with the per-row zero points and dequantization scales in {@code zeroPoints[i]} and {@code
   * scales[i]}.
   */
  public static void quantizeRows(
      int rows,
      int k,
      MemorySegment in,
      long inOffset,
      long ldIn,
      byte[] out,
      int outOffset,
      int ldOut,
      int[] zeroPoints,
      float[] scales) {
    quantize(rows, k, in, inOffset, ldIn, out, null, outOffset, ldOut, zeroPoints, scales, null);
  }

  /** Quantizes {@code rows} rows of {@code k} floats into the workspace {@code out}. */
  public static void quantizeRows(
      int rows, int k, MemorySegment in, long inOffset, long ldIn, QuantizedRows out) {
    if (k != out.k()) {
      throw new IllegalArgumentException(
          "rows of " + k + " values do not fit a workspace of rows of " + out.k());
    }
    out.setRows(rows);
    quantize(
        rows, k, in, inOffset, ldIn, out.values, out.valuesAsFloat, 0, k, out.zeroPoints,
        out.scales, out.valuesAsShort);
  }

  private static void quantize(
      int rows,
      int k,
      MemorySegment in,
      long inOffset,
      long ldIn,
      byte[] out,
      float[] outAsFloat,
      int outOffset,
      int ldOut,
      int[] zeroPoints,
      float[] scales,
      short[] outAsShort) {
    if (rows < 0 || k <= 0) {
      throw new IllegalArgumentException("need rows >= 0 and k > 0, got " + rows + " x " + k);
    }
    for (int i = 0; i < rows; i++) {
      long row = inOffset + i * ldIn;
      // XNNPACK's f32-rminmax starts from (+inf, -inf); the 0 is folded in below.
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < k; p++) {
        float x = in.getAtIndex(FLOAT, row + p);
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      float rmin = Math.min(0f, min);
      float rmax = Math.max(0f, max);
      float s = rmin == rmax ? 1f : 255f / (rmax - rmin);
      float descaledMin = rmin * s;
      float descaledMax = rmax * s;
      float zeroPointFromMinError = -128f + descaledMin;
      float zeroPointFromMaxError = 127f + descaledMax;
      float zeroPoint =
          zeroPointFromMinError + zeroPointFromMaxError > 0
              ? -128f - descaledMin
              : 127f - descaledMax;
      zeroPoint = Math.min(Math.max(zeroPoint, -128f), 127f);
      int zp = (int) Math.rint(zeroPoint);
      zeroPoints[i] = zp;
      scales[i] = 1f / s;
      int o = outOffset + i * ldOut;
      int of = i * k;
      for (int p = 0; p < k; p++) {
        float x = in.getAtIndex(FLOAT, row + p) * s;
        // Clamped in float first, as XNNPACK's kernels do, so huge values cannot overflow int.
        int q = (int) Math.rint(Math.min(Math.max(x, -128f - zp), 127f - zp)) + zp;
        out[o + p] = (byte) q;
        if (outAsFloat != null) {
          outAsFloat[of + p] = q;
          outAsShort[of + p] = (short) q;
        }
      }
    }
  }
}
