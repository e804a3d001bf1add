package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * The packed form of a {@code qcint8} (or per-tensor {@code qint8}) filter with its {@code
 * qcint32} bias, shared by {@link StaticQuantizedLinear} and {@link StaticQuantizedConv2d}: one row
 * of {@code k} int8 weights per output channel, and per output channel the packed bias and the
 * requantization scale.
 *
 * <p>The packed bias folds the input zero point in, as XNNPACK's packers do ({@code
 * xnn_pack_qs8_gemm_goi_w} and {@code xnn_pack_qs8_conv_goki_w}, {@code src/reference/packing.cc}):
 * {@code packed[c] = bias[c] - inZp * sum_p w[c][p]} in wrapping int32 arithmetic, so that the
 * kernels sum raw {@code x * w}. Padding taps of a convolution read the input zero point (XNNPACK's
 * zero buffer is filled with it, {@code src/operators/convolution-nhwc.c}), so they add nothing in
 * total. XNNPACK's VNNI packer ({@code xnn_pack_qs8_to_qu8_gemm_goi_w}) offsets both by 128 instead;
 * the int32 sum is the same.
 */
final class StaticQuantizedFilter {
  final int n;
  final int k;
  /** {@code rows[c * k + p]}. */
  final byte[] rows;
  final int[] bias;
  final float[] scale;
  final int inZp;
  final int outZp;
  final int qmin;
  final int qmax;

  private StaticQuantizedFilter(
      int n, int k, byte[] rows, int[] bias, float[] scale, int inZp, int outZp, int qmin,
      int qmax) {
    this.n = n;
    this.k = k;
    this.rows = rows;
    this.bias = bias;
    this.scale = scale;
    this.inZp = inZp;
    this.outZp = outZp;
    this.qmin = qmin;
    this.qmax = qmax;
  }

  /**
   * Packs {@code rows} ({@code n * k} bytes, row per output channel) already copied out of the
   * caller's layout; {@code wScales} has {@code n} entries (per channel) or 1 (per tensor).
   */
  static StaticQuantizedFilter of(
      String op, int n, int k, byte[] rows, float[] wScales, MemorySegment biasI32, long biasOff,
      float inScale, int inZp, float outScale, int outZp, float outMin, float outMax) {
    StaticQuantization.checkQuantization(op + " input", inScale, inZp);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    if (wScales.length != n && wScales.length != 1) {
      throw new IllegalArgumentException(
          op + ": " + wScales.length + " weight scales for " + n + " output channels");
    }
    if (biasI32 != null) {
      StaticQuantization.checkInts(op, "bias", biasI32, biasOff, n);
    }
    int[] bias = new int[n];
    float[] scale = new float[n];
    for (int c = 0; c < n; c++) {
      int sum = 0;
      for (int p = 0; p < k; p++) {
        sum += rows[c * k + p];
      }
      int b = biasI32 == null ? 0 : biasI32.getAtIndex(StaticQuantization.I32, biasOff + c);
      bias[c] = b - sum * inZp;
      scale[c] =
          StaticQuantization.requantizationScale(
              inScale, wScales[wScales.length == 1 ? 0 : c], outScale);
    }
    return new StaticQuantizedFilter(n, k, rows, bias, scale, inZp, outZp, range[0], range[1]);
  }
}
