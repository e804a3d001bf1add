package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code Conv2d} with {@code qint8} input and output, {@code qcint8} (or per-tensor
 * {@code qint8}) filter {@code [OC, KH, KW, CG]} ({@code OC = groups * ocg}) and optional {@code
 * qcint32} bias, over NHWC data ({@code xnn_create_convolution2d_nhwc_qs8_qc8w}, {@code
 * src/operators/convolution-nhwc.c}; its IGEMM kernels {@code src/qs8-qc8w-igemm/}). For output
 * pixel {@code (n, oy, ox)}, group {@code g} and channel {@code oc = g * ocg + j}:
 *
 * <pre>
 *   acc = packedBias[oc] + sum_{ky, kx, c} in(n, oy*sh - padT + ky*dh, ox*sw - padL + kx*dw, g*cg + c)
 *                                          * w[oc][ky][kx][c]
 *   y   = requantize(acc, inScale * wScale[oc] / outScale, outZp, qmin, qmax)
 * </pre>
 *
 * where a tap outside the input reads the input zero point (XNNPACK's zero buffer is {@code
 * memset} to it) and {@code packedBias} folds {@code -inZp * sum(w)} in (see {@link
 * StaticQuantizedFilter}). Output size {@code OH = (IH + padT + padB - dh * (KH - 1) - 1) / sh +
 * 1}. Immutable: {@link #run} allocates nothing and may be called from several threads at once.
 */
public final class StaticQuantizedConv2d {
  private static final String OP = "Conv2d(qs8)";

  final StaticQuantizedFilter filter;
  final int groups;
  final int cg;
  final int ocg;
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
  /** The vector IGEMM and the filter packed for it, or null. */
  private final StaticQuantizedIgemm igemm;
  private final StaticQuantizedPanels panels;

  private StaticQuantizedConv2d(
      StaticQuantizedFilter filter, int groups, int cg, int ocg, int kh, int kw, int sh, int sw,
      int dh, int dw, int padT, int padR, int padB, int padL) {
    this.filter = filter;
    this.groups = groups;
    this.cg = cg;
    this.ocg = ocg;
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
    this.igemm = StaticQuantizedIgemm.chosen();
    this.panels =
        igemm == null
            ? null
            : StaticQuantizedPanels.pack(
                filter, igemm.nr(), groups, cg, ocg, kh, kw, sh, sw, dh, dw, padT, padL);
  }

  /**
   * Packs the filter once: {@code filter} holds {@code OC * KH * KW * CG} int8 at element {@code
   * filterOff}, {@code wScales} {@code OC} per-channel scales (or one per-tensor scale), {@code
   * biasI32} (nullable) {@code OC} int32 at element {@code biasOff}.
   */
  public static StaticQuantizedConv2d prepare(
      int groups, int cg, int ocg, int kh, int kw, int sh, int sw, int dh, int dw, int padT,
      int padR, int padB, int padL, MemorySegment filter, long filterOff, float[] wScales,
      MemorySegment biasI32, long biasOff, float inScale, int inZp, float outScale, int outZp,
      float outMin, float outMax) {
    checkGeometry(OP, groups, cg, ocg, kh, kw, sh, sw, dh, dw, padT, padR, padB, padL);
    int oc = Math.multiplyExact(groups, ocg);
    int k = Math.multiplyExact(Math.multiplyExact(kh, kw), cg);
    StaticQuantization.checkBytes(OP, "filter", filter, filterOff, (long) oc * k);
    byte[] rows = new byte[Math.multiplyExact(oc, k)];
    MemorySegment.copy(filter, StaticQuantization.I8, filterOff, rows, 0, rows.length);
    return new StaticQuantizedConv2d(
        StaticQuantizedFilter.of(
            OP, oc, k, rows, wScales, biasI32, biasOff, inScale, inZp, outScale, outZp, outMin,
            outMax),
        groups, cg, ocg, kh, kw, sh, sw, dh, dw, padT, padR, padB, padL);
  }

  static void checkGeometry(
      String op, int groups, int cg, int ocg, int kh, int kw, int sh, int sw, int dh, int dw,
      int padT, int padR, int padB, int padL) {
    StaticQuantization.positive(op, "groups", groups);
    StaticQuantization.positive(op, "group input channels", cg);
    StaticQuantization.positive(op, "group output channels", ocg);
    StaticQuantization.positive(op, "kernel height", kh);
    StaticQuantization.positive(op, "kernel width", kw);
    StaticQuantization.positive(op, "stride height", sh);
    StaticQuantization.positive(op, "stride width", sw);
    StaticQuantization.positive(op, "dilation height", dh);
    StaticQuantization.positive(op, "dilation width", dw);
    StaticQuantization.nonNegative(op, "padding top", padT);
    StaticQuantization.nonNegative(op, "padding right", padR);
    StaticQuantization.nonNegative(op, "padding bottom", padB);
    StaticQuantization.nonNegative(op, "padding left", padL);
  }

  /** Output channels {@code groups * ocg}. */
  public int outputChannels() {
    return filter.n;
  }

  /** Input channels {@code groups * cg}. */
  public int inputChannels() {
    return groups * cg;
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
   * {@code y[batch, OH, OW, OC] = conv(x[batch, inH, inW, groups * cg])}; offsets count int8
   * elements. The output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    int outH = checkRun(batch, inH, inW, x, xOff, y, yOff);
    if (batch == 0) {
      return;
    }
    if (igemm != null) {
      igemm.run(panels, batch, inH, inW, outH, outputWidth(inW), x, xOff, y, yOff);
    } else {
      scalar(batch, inH, inW, outH, outputWidth(inW), x, xOff, y, yOff);
    }
  }

  /** The scalar oracle; tests call it directly. */
  void runScalar(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    int outH = checkRun(batch, inH, inW, x, xOff, y, yOff);
    scalar(batch, inH, inW, outH, outputWidth(inW), x, xOff, y, yOff);
  }

  private int checkRun(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.nonNegative(OP, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    StaticQuantization.checkBytes(
        OP, "input", x, xOff, (long) batch * inH * inW * inputChannels());
    StaticQuantization.checkBytes(
        OP, "output", y, yOff, (long) batch * outH * outW * outputChannels());
    return outH;
  }

  private void scalar(
      int batch, int inH, int inW, int outH, int outW, MemorySegment x, long xOff,
      MemorySegment y, long yOff) {
    StaticQuantizedFilter f = filter;
    int ic = inputChannels();
    int oc = outputChannels();
    byte inZp = (byte) f.inZp;
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          long yPixel = yOff + (((long) b * outH + oy) * outW + ox) * oc;
          for (int g = 0; g < groups; g++) {
            for (int j = 0; j < ocg; j++) {
              int o = g * ocg + j;
              int acc = f.bias[o];
              int wRow = o * f.k;
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh - padT + ky * dh;
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * sw - padL + kx * dw;
                  int wTap = wRow + (ky * kw + kx) * cg;
                  if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                    long xTap = xOff + (((long) b * inH + iy) * inW + ix) * ic + (long) g * cg;
                    for (int c = 0; c < cg; c++) {
                      acc += x.get(StaticQuantization.I8, xTap + c) * f.rows[wTap + c];
                    }
                  } else {
                    for (int c = 0; c < cg; c++) {
                      acc += inZp * f.rows[wTap + c];
                    }
                  }
                }
              }
              y.set(
                  StaticQuantization.I8,
                  yPixel + o,
                  (byte) StaticQuantization.requantize(acc, f.scale[o], f.outZp, f.qmin, f.qmax));
            }
          }
        }
      }
    }
  }
}
