package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code ConvTranspose2d} node (its "deconvolution") over channels-last float32 data:
 * input {@code [N, IH, IW, groups * CG]}, constant filter {@code [groups * OCG, KH, KW, CG]},
 * optional bias {@code [groups * OCG]}, output {@code [N, OH, OW, groups * OCG]} with {@code OH =
 * strideH * (IH - 1) + adjustmentH + dilationH * (KH - 1) + 1 - padTop - padBottom}.
 *
 * <p>That filter layout is what ExecuTorch's serializer writes for {@code conv_transpose2d}
 * ({@code backends/xnnpack/operators/op_conv2d.py}): PyTorch's {@code [groups * CG, OCG, KH, KW]}
 * weight has input and output channels swapped per group, then is stored channels-last. Output
 * pixel {@code (oy, ox)} of group {@code g}, channel {@code ocg}, is
 *
 * <pre>
 *   bias[g*OCG + ocg] + sum over taps (ky, kx) and cg of
 *       in[iy, ix, g*CG + cg] * filter[g*OCG + ocg, ky, kx, cg]
 *   where iy * strideH = oy + padTop - ky * dilationH (and likewise ix), 0 &lt;= iy &lt; IH
 * </pre>
 *
 * i.e. the scatter of XNNPACK's deconvolution written as a gather, so that each output is written
 * once. {@link #prepare} repacks the filter once as {@code [g][ky][kx][cg][ocg]}, so that for a
 * given tap and input channel the output channels are contiguous: one broadcast input value times
 * a vector of weights per step, accumulators in registers across all taps, clamped as stored.
 *
 * <p>Immutable after {@link #prepare}: {@link #run} allocates nothing and may be called from
 * several threads at once.
 */
public final class ConvTranspose2dNhwc {
  private static final String NAME = "ConvTranspose2d";

  final NhwcKernels kernels;
  final int groups;
  final int groupInChannels;
  final int groupOutChannels;
  final int kernelH;
  final int kernelW;
  final int strideH;
  final int strideW;
  final int dilationH;
  final int dilationW;
  final int padTop;
  final int padRight;
  final int padBottom;
  final int padLeft;
  final int adjustmentH;
  final int adjustmentW;
  /** {@code [g][ky][kx][cg][ocg]}. */
  final float[] packed;
  /** {@code [groups * OCG]}, zeros when the node has no bias. */
  final float[] bias;

  private ConvTranspose2dNhwc(
      NhwcKernels kernels, int groups, int groupInChannels, int groupOutChannels, int kernelH,
      int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop,
      int padRight, int padBottom, int padLeft, int adjustmentH, int adjustmentW, float[] packed,
      float[] bias) {
    this.kernels = kernels;
    this.groups = groups;
    this.groupInChannels = groupInChannels;
    this.groupOutChannels = groupOutChannels;
    this.kernelH = kernelH;
    this.kernelW = kernelW;
    this.strideH = strideH;
    this.strideW = strideW;
    this.dilationH = dilationH;
    this.dilationW = dilationW;
    this.padTop = padTop;
    this.padRight = padRight;
    this.padBottom = padBottom;
    this.padLeft = padLeft;
    this.adjustmentH = adjustmentH;
    this.adjustmentW = adjustmentW;
    this.packed = packed;
    this.bias = bias;
  }

  /**
   * Validates the parameters and packs the filter and bias (both copied; the segments may be
   * released afterwards). Offsets count floats. The adjustment (PyTorch's {@code output_padding})
   * must be smaller than the stride, as XNNPACK requires.
   *
   * @param filter {@code [groups * OCG][KH][KW][CG]} floats from {@code filterOffset}
   * @param bias {@code groups * OCG} floats from {@code biasOffset}, or null for none
   */
  public static ConvTranspose2dNhwc prepare(
      int groups, int groupInChannels, int groupOutChannels, int kernelH, int kernelW,
      int strideH, int strideW, int dilationH, int dilationW, int padTop, int padRight,
      int padBottom, int padLeft, int adjustmentH, int adjustmentW, MemorySegment filter,
      long filterOffset, MemorySegment bias, long biasOffset) {
    return prepare(
        NhwcKernels.chosen(), groups, groupInChannels, groupOutChannels, kernelH, kernelW,
        strideH, strideW, dilationH, dilationW, padTop, padRight, padBottom, padLeft, adjustmentH,
        adjustmentW, filter, filterOffset, bias, biasOffset);
  }

  /** {@link #prepare} with the given compute loops; tests pass the scalar ones. */
  static ConvTranspose2dNhwc prepare(
      NhwcKernels kernels, int groups, int groupInChannels, int groupOutChannels, int kernelH,
      int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop,
      int padRight, int padBottom, int padLeft, int adjustmentH, int adjustmentW,
      MemorySegment filter, long filterOffset, MemorySegment bias, long biasOffset) {
    NhwcChecks.positive(NAME, "groups", groups);
    NhwcChecks.positive(NAME, "group input channels", groupInChannels);
    NhwcChecks.positive(NAME, "group output channels", groupOutChannels);
    NhwcChecks.positive(NAME, "kernel height", kernelH);
    NhwcChecks.positive(NAME, "kernel width", kernelW);
    NhwcChecks.positive(NAME, "stride height", strideH);
    NhwcChecks.positive(NAME, "stride width", strideW);
    NhwcChecks.positive(NAME, "dilation height", dilationH);
    NhwcChecks.positive(NAME, "dilation width", dilationW);
    NhwcChecks.nonNegative(NAME, "padding top", padTop);
    NhwcChecks.nonNegative(NAME, "padding right", padRight);
    NhwcChecks.nonNegative(NAME, "padding bottom", padBottom);
    NhwcChecks.nonNegative(NAME, "padding left", padLeft);
    NhwcChecks.nonNegative(NAME, "adjustment height", adjustmentH);
    NhwcChecks.nonNegative(NAME, "adjustment width", adjustmentW);
    if (adjustmentH >= strideH || adjustmentW >= strideW) {
      throw new IllegalArgumentException(
          NAME + ": adjustment " + adjustmentH + "x" + adjustmentW
              + " must be smaller than the stride " + strideH + "x" + strideW);
    }
    long weights;
    long outChannels = (long) groups * groupOutChannels;
    try {
      weights = Math.multiplyExact(
          Math.multiplyExact(outChannels, (long) kernelH * kernelW), (long) groupInChannels);
    } catch (ArithmeticException e) {
      weights = Long.MAX_VALUE;
    }
    if (weights > Integer.MAX_VALUE - 8 || (long) groups * groupInChannels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(NAME + ": filter of " + outChannels + "x" + kernelH + "x"
          + kernelW + "x" + groupInChannels + " floats is too large to pack");
    }
    NhwcChecks.floats(NAME, "filter", filter, filterOffset, weights);
    if (bias != null) {
      NhwcChecks.floats(NAME, "bias", bias, biasOffset, outChannels);
    }
    int ocg = groupOutChannels;
    int cgs = groupInChannels;
    float[] packed = new float[(int) weights];
    for (int g = 0; g < groups; g++) {
      for (int o = 0; o < ocg; o++) {
        for (int ky = 0; ky < kernelH; ky++) {
          for (int kx = 0; kx < kernelW; kx++) {
            long src = ((((long) g * ocg + o) * kernelH + ky) * kernelW + kx) * cgs;
            int dst = (((g * kernelH + ky) * kernelW + kx) * cgs) * ocg + o;
            for (int c = 0; c < cgs; c++) {
              packed[dst + c * ocg] = filter.getAtIndex(NhwcChecks.FLOAT, filterOffset + src + c);
            }
          }
        }
      }
    }
    float[] b = new float[(int) outChannels];
    if (bias != null) {
      for (int i = 0; i < b.length; i++) {
        b[i] = bias.getAtIndex(NhwcChecks.FLOAT, biasOffset + i);
      }
    }
    return new ConvTranspose2dNhwc(
        kernels, groups, groupInChannels, groupOutChannels, kernelH, kernelW, strideH, strideW,
        dilationH, dilationW, padTop, padRight, padBottom, padLeft, adjustmentH, adjustmentW,
        packed, b);
  }

  /** The output height for an input of height {@code inH}; throws if it would be below 1. */
  public int outputHeight(int inH) {
    return output("height", inH, strideH, adjustmentH, kernelH, dilationH, padTop + padBottom);
  }

  /** The output width for an input of width {@code inW}; throws if it would be below 1. */
  public int outputWidth(int inW) {
    return output("width", inW, strideW, adjustmentW, kernelW, dilationW, padLeft + padRight);
  }

  private static int output(
      String dim, int in, int stride, int adjustment, int k, int dilation, long pads) {
    NhwcChecks.positive(NAME, "input " + dim, in);
    long out = (long) stride * (in - 1) + adjustment + (long) dilation * (k - 1) + 1 - pads;
    if (out < 1 || out > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          NAME + ": output " + dim + " " + out + " for input " + in + " is out of range");
    }
    return (int) out;
  }

  /** Input channels, {@code groups * CG}. */
  public int inputChannels() {
    return groups * groupInChannels;
  }

  /** Output channels, {@code groups * OCG}. */
  public int outputChannels() {
    return groups * groupOutChannels;
  }

  /**
   * Computes {@code out[N, OH, OW, groups * OCG]} from {@code in[N, inH, inW, groups * CG]},
   * clamped to {@code [min, max]}. Offsets count floats; the output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment in, long inOff, MemorySegment out, long outOff,
      float min, float max) {
    NhwcChecks.nonNegative(NAME, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    NhwcChecks.clamp(NAME, min, max);
    NhwcChecks.floats(
        NAME, "input", in, inOff, NhwcChecks.elements(NAME, batch, inH, inW, inputChannels()));
    NhwcChecks.floats(
        NAME, "output", out, outOff, NhwcChecks.elements(NAME, batch, outH, outW, outputChannels()));
    if (batch == 0) {
      return;
    }
    kernels.deconvolution(this, batch, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
  }
}
