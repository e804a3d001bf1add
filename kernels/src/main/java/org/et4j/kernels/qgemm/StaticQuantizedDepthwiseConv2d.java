package org.et4j.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code DepthwiseConv2d} with {@code qint8} input and output, {@code qcint8} (or
 * per-tensor {@code qint8}) filter {@code [1, KH, KW, OC]} ({@code OC = channels * multiplier})
 * and optional {@code qcint32} bias, over NHWC data. XNNPACK runs it as {@code groups = channels}
 * convolution with one input channel per group ({@code src/subgraph/depthwise-convolution-2d.c});
 * with multiplier 1 its dwconv kernels ({@code src/qs8-qc8w-dwconv/gen/*-fp32-scalar-fmagic.c},
 * packed by {@code xnn_pack_qs8_dwconv_hwg_w}, {@code src/reference/packing.cc}), otherwise its
 * IGEMM. Both compute, for output channel {@code oc} reading input channel {@code oc /
 * multiplier}:
 *
 * <pre>
 *   acc = bias[oc] - inZp * sum_{ky,kx} w[ky][kx][oc]
 *         + sum_{ky,kx} in(n, oy*sh - padT + ky*dh, ox*sw - padL + kx*dw, oc / multiplier) * w[ky][kx][oc]
 *   y   = requantize(acc, inScale * wScale[oc] / outScale, outZp, qmin, qmax)
 * </pre>
 *
 * with padding taps reading the input zero point, so they add nothing. Immutable: {@link #run}
 * allocates nothing and may be called from several threads at once.
 */
public final class StaticQuantizedDepthwiseConv2d {
  private static final String OP = "DepthwiseConv2d(qs8)";

  final int channels;
  final int multiplier;
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  final int padT;
  final int padR;
  final int padB;
  final int padL;
  /** {@code weights[(ky * kw + kx) * oc + o]}, the filter as given. */
  final byte[] weights;
  final int[] bias;
  final float[] scale;
  final int inZp;
  final int outZp;
  final int qmin;
  final int qmax;
  /** The vector kernel and its packing (multiplier 1 only), or null for the scalar loops. */
  private final StaticQuantizedIgemm vector;
  private final float[] vectorWeights;
  private final int[] vectorBias;
  private final float[] vectorScale;
  private final int vectorStride;
  private final MemorySegment zero;

  private StaticQuantizedDepthwiseConv2d(
      int channels, int multiplier, int kh, int kw, int sh, int sw, int dh, int dw, int padT,
      int padR, int padB, int padL, byte[] weights, int[] bias, float[] scale, int inZp,
      int outZp, int qmin, int qmax) {
    this.channels = channels;
    this.multiplier = multiplier;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.dh = dh;
    this.dw = dw;
    this.padT = padT;
    this.padR = padR;
    this.padB = padB;
    this.padL = padL;
    this.weights = weights;
    this.bias = bias;
    this.scale = scale;
    this.inZp = inZp;
    this.outZp = outZp;
    this.qmin = qmin;
    this.qmax = qmax;
    StaticQuantizedIgemm v = StaticQuantizedIgemm.chosen();
    if (v != null && multiplier == 1 && v.depthwiseSupported()) {
      int taps = kh * kw;
      int stride = v.depthwiseStride(channels);
      // Weights as floats: the kernel fuses them with widened int8 inputs, exactly.
      float[] wf = new float[taps * stride];
      int[] b = new int[stride];
      float[] sc = new float[stride];
      for (int o = 0; o < channels; o++) {
        for (int t = 0; t < taps; t++) {
          wf[t * stride + o] = weights[t * channels + o];
        }
        b[o] = bias[o];
        sc[o] = scale[o];
      }
      this.vector = v;
      this.vectorWeights = wf;
      this.vectorBias = b;
      this.vectorScale = sc;
      this.vectorStride = stride;
      this.zero = Arena.ofAuto().allocate(channels);
      zero.fill((byte) inZp);
    } else {
      this.vector = null;
      this.vectorWeights = null;
      this.vectorBias = null;
      this.vectorScale = null;
      this.vectorStride = 0;
      this.zero = null;
    }
  }

  /**
   * Packs the filter once: {@code filter} holds {@code KH * KW * OC} int8 at element {@code
   * filterOff}, {@code wScales} {@code OC} per-channel scales (or one per-tensor scale), {@code
   * biasI32} (nullable) {@code OC} int32 at element {@code biasOff}.
   */
  public static StaticQuantizedDepthwiseConv2d prepare(
      int channels, int multiplier, int kh, int kw, int sh, int sw, int dh, int dw, int padT,
      int padR, int padB, int padL, MemorySegment filter, long filterOff, float[] wScales,
      MemorySegment biasI32, long biasOff, float inScale, int inZp, float outScale, int outZp,
      float outMin, float outMax) {
    StaticQuantizedConv2d.checkGeometry(
        OP, channels, 1, multiplier, kh, kw, sh, sw, dh, dw, padT, padR, padB, padL);
    StaticQuantization.checkQuantization(OP + " input", inScale, inZp);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    int oc = Math.multiplyExact(channels, multiplier);
    int taps = Math.multiplyExact(kh, kw);
    StaticQuantization.checkBytes(OP, "filter", filter, filterOff, (long) taps * oc);
    if (wScales.length != oc && wScales.length != 1) {
      throw new IllegalArgumentException(
          OP + ": " + wScales.length + " weight scales for " + oc + " output channels");
    }
    if (biasI32 != null) {
      StaticQuantization.checkInts(OP, "bias", biasI32, biasOff, oc);
    }
    byte[] weights = new byte[Math.multiplyExact(taps, oc)];
    MemorySegment.copy(filter, StaticQuantization.I8, filterOff, weights, 0, weights.length);
    int[] bias = new int[oc];
    float[] scale = new float[oc];
    for (int o = 0; o < oc; o++) {
      int b = biasI32 == null ? 0 : biasI32.getAtIndex(StaticQuantization.I32, biasOff + o);
      for (int t = 0; t < taps; t++) {
        b -= weights[t * oc + o] * inZp;
      }
      bias[o] = b;
      scale[o] =
          StaticQuantization.requantizationScale(
              inScale, wScales[wScales.length == 1 ? 0 : o], outScale);
    }
    return new StaticQuantizedDepthwiseConv2d(
        channels, multiplier, kh, kw, sh, sw, dh, dw, padT, padR, padB, padL, weights, bias,
        scale, inZp, outZp, range[0], range[1]);
  }

  /** Output channels {@code channels * multiplier}. */
  public int outputChannels() {
    return channels * multiplier;
  }

  /** The output height for an input of height {@code inH}; throws if it would be below 1. */
  public int outputHeight(int inH) {
    return StaticQuantization.convolutionOutput(OP, "height", inH, padT, padB, kh, sh, dh);
  }

  /** The output width for an input of width {@code inW}; throws if it would be below 1. */
  public int outputWidth(int inW) {
    return StaticQuantization.convolutionOutput(OP, "width", inW, padL, padR, kw, sw, dw);
  }

  /**
   * {@code y[batch, OH, OW, OC] = dwconv(x[batch, inH, inW, channels])}; offsets count int8
   * elements. The output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.nonNegative(OP, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    int oc = outputChannels();
    StaticQuantization.checkBytes(OP, "input", x, xOff, (long) batch * inH * inW * channels);
    StaticQuantization.checkBytes(OP, "output", y, yOff, (long) batch * outH * outW * oc);
    if (vector != null) {
      vector.depthwise(
          this, vectorWeights, vectorBias, vectorScale, vectorStride, zero, batch, inH, inW, outH,
          outW, x, xOff, y, yOff);
    } else {
      scalar(batch, inH, inW, outH, outW, x, xOff, y, yOff);
    }
  }

  /** The scalar oracle; tests call it directly. */
  void runScalar(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    StaticQuantization.checkBytes(OP, "input", x, xOff, (long) batch * inH * inW * channels);
    StaticQuantization.checkBytes(
        OP, "output", y, yOff, (long) batch * outH * outW * outputChannels());
    scalar(batch, inH, inW, outH, outW, x, xOff, y, yOff);
  }

  private void scalar(
      int batch, int inH, int inW, int outH, int outW, MemorySegment x, long xOff,
      MemorySegment y, long yOff) {
    int oc = outputChannels();
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          long yPixel = yOff + (((long) b * outH + oy) * outW + ox) * oc;
          for (int o = 0; o < oc; o++) {
            int acc = bias[o];
            int c = o / multiplier;
            for (int ky = 0; ky < kh; ky++) {
              int iy = oy * sh - padT + ky * dh;
              for (int kx = 0; kx < kw; kx++) {
                int ix = ox * sw - padL + kx * dw;
                int xv =
                    iy >= 0 && iy < inH && ix >= 0 && ix < inW
                        ? x.get(
                            StaticQuantization.I8,
                            xOff + (((long) b * inH + iy) * inW + ix) * channels + c)
                        : inZp;
                acc += xv * weights[(ky * kw + kx) * oc + o];
              }
            }
            y.set(
                StaticQuantization.I8,
                yPixel + o,
                (byte) StaticQuantization.requantize(acc, scale[o], outZp, qmin, qmax));
          }
        }
      }
    }
  }
}
