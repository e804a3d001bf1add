package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code MaxPooling2d} and {@code AvgPooling2d} nodes over channels-last float32 data:
 * {@code [N, IH, IW, C] -> [N, OH, OW, C]} with {@code OH = (IH + padTop + padBottom - dilationH *
 * (KH - 1) - 1) / strideH + 1}, clamped to {@code [min, max]} as it is stored.
 *
 * <p>Padding, as XNNPACK computes it ({@code src/indirection.c}, {@code
 * src/operators/average-pooling-nhwc.c}):
 *
 * <ul>
 *   <li><b>Max pooling</b> never reads padding: XNNPACK's indirection buffer points each padding
 *       tap at a real pixel of the same window (clamped to the border, or stepped by the dilation
 *       towards the input), so the result is the maximum over the window's valid taps. Only a
 *       window with no valid tap at all (possible with dilation) takes XNNPACK's clamped pixels
 *       literally, which this class reproduces in a scalar fallback.
 *   <li><b>Average pooling</b> has no dilation. Without padding every window is full and XNNPACK
 *       multiplies the sum by {@code 1f / (KH * KW)}; with any padding it switches to its
 *       "pixelwise" kernel, whose multiplier is {@code 1f / validTaps} per output pixel: padding is
 *       excluded from the count ({@code count_include_pad=False}). ExecuTorch's partitioner
 *       delegates {@code avg_pool2d} only when that matches PyTorch: no {@code ceil_mode}, no
 *       padding unless {@code count_include_pad=False}, no {@code divisor_override} other than the
 *       window size. Both cases are one rule here: the sum of the valid taps times the float
 *       reciprocal of their count.
 * </ul>
 *
 * <p>Immutable: {@link #run} allocates nothing and may be called from several threads at once.
 * Output rows are shared out over {@link org.et4j.kernels.util.Parallel}'s pool.
 */
public final class Pooling2dNhwc {
  final NhwcKernels kernels;
  final boolean max;
  final int channels;
  final int poolH;
  final int poolW;
  final int strideH;
  final int strideW;
  final int dilationH;
  final int dilationW;
  final int padTop;
  final int padRight;
  final int padBottom;
  final int padLeft;

  private Pooling2dNhwc(
      NhwcKernels kernels, boolean max, int channels, int poolH, int poolW, int strideH,
      int strideW, int dilationH, int dilationW, int padTop, int padRight, int padBottom,
      int padLeft) {
    this.kernels = kernels;
    this.max = max;
    this.channels = channels;
    this.poolH = poolH;
    this.poolW = poolW;
    this.strideH = strideH;
    this.strideW = strideW;
    this.dilationH = dilationH;
    this.dilationW = dilationW;
    this.padTop = padTop;
    this.padRight = padRight;
    this.padBottom = padBottom;
    this.padLeft = padLeft;
  }

  /** XNNPACK's {@code MaxPooling2d}: the maximum over each window's non-padding taps. */
  public static Pooling2dNhwc prepareMax(
      int channels, int poolH, int poolW, int strideH, int strideW, int dilationH, int dilationW,
      int padTop, int padRight, int padBottom, int padLeft) {
    return prepare(
        NhwcKernels.chosen(), true, channels, poolH, poolW, strideH, strideW, dilationH,
        dilationW, padTop, padRight, padBottom, padLeft);
  }

  /**
   * XNNPACK's {@code AvgPooling2d}: the mean over each window's non-padding taps. Every window must
   * overlap the input, so each padding must be smaller than the pool size on its axis (PyTorch
   * allows at most half of it).
   */
  public static Pooling2dNhwc prepareAverage(
      int channels, int poolH, int poolW, int strideH, int strideW, int padTop, int padRight,
      int padBottom, int padLeft) {
    return prepare(
        NhwcKernels.chosen(), false, channels, poolH, poolW, strideH, strideW, 1, 1, padTop,
        padRight, padBottom, padLeft);
  }

  /** Either pooling with the given compute loops; tests pass the scalar ones. */
  static Pooling2dNhwc prepare(
      NhwcKernels kernels, boolean max, int channels, int poolH, int poolW, int strideH,
      int strideW, int dilationH, int dilationW, int padTop, int padRight, int padBottom,
      int padLeft) {
    String name = max ? "MaxPooling2d" : "AvgPooling2d";
    NhwcChecks.positive(name, "channels", channels);
    NhwcChecks.positive(name, "pool height", poolH);
    NhwcChecks.positive(name, "pool width", poolW);
    NhwcChecks.positive(name, "stride height", strideH);
    NhwcChecks.positive(name, "stride width", strideW);
    NhwcChecks.positive(name, "dilation height", dilationH);
    NhwcChecks.positive(name, "dilation width", dilationW);
    NhwcChecks.nonNegative(name, "padding top", padTop);
    NhwcChecks.nonNegative(name, "padding right", padRight);
    NhwcChecks.nonNegative(name, "padding bottom", padBottom);
    NhwcChecks.nonNegative(name, "padding left", padLeft);
    if (!max
        && (padTop >= poolH || padBottom >= poolH || padLeft >= poolW || padRight >= poolW)) {
      // XNNPACK would divide by a count of zero for a window made only of padding.
      throw new IllegalArgumentException(
          name + ": padding " + padTop + "/" + padRight + "/" + padBottom + "/" + padLeft
              + " (top/right/bottom/left) must be smaller than the pool " + poolH + "x" + poolW);
    }
    return new Pooling2dNhwc(
        kernels, max, channels, poolH, poolW, strideH, strideW, dilationH, dilationW, padTop,
        padRight, padBottom, padLeft);
  }

  private String name() {
    return max ? "MaxPooling2d" : "AvgPooling2d";
  }

  /** True for max pooling, false for average pooling. */
  public boolean isMax() {
    return max;
  }

  /** Channels. */
  public int channels() {
    return channels;
  }

  /** The output height for an input of height {@code inH}; throws if it would be below 1. */
  public int outputHeight(int inH) {
    return NhwcChecks.convolutionOutput(
        name(), "height", inH, padTop, padBottom, poolH, strideH, dilationH);
  }

  /** The output width for an input of width {@code inW}; throws if it would be below 1. */
  public int outputWidth(int inW) {
    return NhwcChecks.convolutionOutput(
        name(), "width", inW, padLeft, padRight, poolW, strideW, dilationW);
  }

  /**
   * Computes {@code out[N, OH, OW, C]} from {@code in[N, inH, inW, C]}, clamped to {@code [min,
   * max]}. Offsets count floats; the output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment in, long inOff, MemorySegment out, long outOff,
      float min, float max) {
    String name = name();
    NhwcChecks.nonNegative(name, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    NhwcChecks.clamp(name, min, max);
    NhwcChecks.floats(name, "input", in, inOff, NhwcChecks.elements(name, batch, inH, inW, channels));
    NhwcChecks.floats(
        name, "output", out, outOff, NhwcChecks.elements(name, batch, outH, outW, channels));
    if (batch == 0) {
      return;
    }
    OutputRowsJob.run(
        this.max ? OutputRowsJob.MAX_POOL : OutputRowsJob.AVERAGE_POOL, null, this, batch, inH,
        inW, outH, outW, in, inOff, out, outOff, min, max, (long) outW * channels * poolH * poolW);
  }

  /**
   * The input coordinate XNNPACK's {@code xnn_indirection_init_maxpool2d} reads for window {@code
   * o}, tap {@code k}: a padding tap steps by the dilation towards the input, then is clamped to it.
   * With dilation 1 this is a clamp to the border. Used only for windows without a valid tap.
   */
  static int xnnpackTapCoordinate(int o, int k, int stride, int dilation, int pad, int in) {
    long y = (long) o * stride + (long) k * dilation;
    while (y < pad) {
      y += dilation;
    }
    while (y >= (long) in + pad) {
      y = Math.max(0, y - dilation);
    }
    return (int) Math.min(Math.max(0, y - pad), in - 1);
  }

  /**
   * Max pooling of one output pixel whose window holds no valid tap, exactly as XNNPACK's
   * indirection buffer reads it; shared by both implementations, as it is rare.
   */
  void maxPoolWithoutValidTaps(
      int n, int oy, int ox, int inH, int inW, MemorySegment in, long inOff, MemorySegment out,
      long outPixel, float min, float max) {
    for (int c = 0; c < channels; c++) {
      float acc = Float.NEGATIVE_INFINITY;
      for (int ky = 0; ky < poolH; ky++) {
        int iy = xnnpackTapCoordinate(oy, ky, strideH, dilationH, padTop, inH);
        for (int kx = 0; kx < poolW; kx++) {
          int ix = xnnpackTapCoordinate(ox, kx, strideW, dilationW, padLeft, inW);
          long at = inOff + (((long) n * inH + iy) * inW + ix) * channels + c;
          acc = Math.max(acc, in.getAtIndex(NhwcChecks.FLOAT, at));
        }
      }
      out.setAtIndex(NhwcChecks.FLOAT, outPixel + c, Math.min(Math.max(acc, min), max));
    }
  }
}
