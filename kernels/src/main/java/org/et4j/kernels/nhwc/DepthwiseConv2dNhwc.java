package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code DepthwiseConv2d} node over channels-last float32 data: input {@code [N, IH, IW,
 * C]}, constant filter {@code [1, KH, KW, C * multiplier]}, optional bias {@code [C * multiplier]},
 * output {@code [N, OH, OW, C * multiplier]}; output channel {@code oc} reads input channel {@code
 * oc / multiplier}. Output sizes follow {@code OH = (IH + padTop + padBottom - dilationH * (KH - 1)
 * - 1) / strideH + 1}.
 *
 * <p>As in XNNPACK's {@code f32-dwconv} unipass kernels, {@link #prepare} packs the filter once
 * into channel tiles of the vector width, {@code [bias tile][tap 0 tile]...[tap K-1 tile]}, so that
 * for each output pixel and tile the accumulator starts from the bias and each tap is one
 * multiply-add of a contiguous input channel run with a contiguous weight run. Padding taps are
 * skipped rather than read from a zero row (the sum is the same). The result is clamped like
 * XNNPACK, {@code min(max(acc, min), max)}, as it is stored. Channels past the last full vector are
 * finished in scalar code from the same packed tile.
 *
 * <p>XNNPACK itself takes this path only for multiplier 1 and runs larger multipliers as a grouped
 * IGEMM; here every multiplier shares the packing, and multipliers above 1 run the scalar loop.
 *
 * <p>Immutable after {@link #prepare}: {@link #run} allocates nothing and may be called from
 * several threads at once. Output rows are shared out over {@link
 * org.et4j.kernels.util.Parallel}'s pool; each output is computed the same way on any thread.
 */
public final class DepthwiseConv2dNhwc {
  private static final String NAME = "DepthwiseConv2d";

  final NhwcKernels kernels;
  final int channels;
  final int multiplier;
  final int outChannels;
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
  /** Channels per packed tile. */
  final int tile;
  /** Floats per packed tile: {@code (1 + KH * KW) * tile}. */
  final int tileStride;
  /** {@code [tile][bias, tap 0, ..., tap K-1][tile]}, the last tile zero-padded. */
  final float[] packed;

  private DepthwiseConv2dNhwc(
      NhwcKernels kernels, int channels, int multiplier, int kernelH, int kernelW, int strideH,
      int strideW, int dilationH, int dilationW, int padTop, int padRight, int padBottom,
      int padLeft, float[] packed, int tile) {
    this.kernels = kernels;
    this.channels = channels;
    this.multiplier = multiplier;
    this.outChannels = channels * multiplier;
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
    this.packed = packed;
    this.tile = tile;
    this.tileStride = (1 + kernelH * kernelW) * tile;
  }

  /**
   * Validates the parameters and packs the filter and bias (both copied; the segments may be
   * released afterwards). Offsets count floats.
   *
   * @param filter {@code [KH][KW][channels * multiplier]} floats from {@code filterOffset}
   * @param bias {@code channels * multiplier} floats from {@code biasOffset}, or null for none
   * @throws IllegalArgumentException if a size is not positive, a padding negative, or a segment
   *     too small
   */
  public static DepthwiseConv2dNhwc prepare(
      int channels, int multiplier, int kernelH, int kernelW, int strideH, int strideW,
      int dilationH, int dilationW, int padTop, int padRight, int padBottom, int padLeft,
      MemorySegment filter, long filterOffset, MemorySegment bias, long biasOffset) {
    return prepare(
        NhwcKernels.chosen(), channels, multiplier, kernelH, kernelW, strideH, strideW, dilationH,
        dilationW, padTop, padRight, padBottom, padLeft, filter, filterOffset, bias, biasOffset);
  }

  /** {@link #prepare} with the given compute loops; tests pass the scalar ones. */
  static DepthwiseConv2dNhwc prepare(
      NhwcKernels kernels, int channels, int multiplier, int kernelH, int kernelW, int strideH,
      int strideW, int dilationH, int dilationW, int padTop, int padRight, int padBottom,
      int padLeft, MemorySegment filter, long filterOffset, MemorySegment bias, long biasOffset) {
    NhwcChecks.positive(NAME, "channels", channels);
    NhwcChecks.positive(NAME, "multiplier", multiplier);
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
    long oc = (long) channels * multiplier;
    long taps = (long) kernelH * kernelW;
    int tile = kernels.depthwiseTile();
    long tiles = (oc + tile - 1) / tile;
    long packedSize = tiles * (1 + taps) * tile;
    if (packedSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          NAME + ": " + oc + " channels x " + taps + " taps is too large to pack");
    }
    NhwcChecks.floats(NAME, "filter", filter, filterOffset, taps * oc);
    if (bias != null) {
      NhwcChecks.floats(NAME, "bias", bias, biasOffset, oc);
    }
    float[] packed = new float[(int) packedSize];
    int stride = (int) ((1 + taps) * tile);
    for (int c = 0; c < oc; c++) {
      int base = c / tile * stride + c % tile;
      packed[base] = bias == null ? 0f : bias.getAtIndex(NhwcChecks.FLOAT, biasOffset + c);
      for (int k = 0; k < taps; k++) {
        packed[base + (1 + k) * tile] =
            filter.getAtIndex(NhwcChecks.FLOAT, filterOffset + k * oc + c);
      }
    }
    return new DepthwiseConv2dNhwc(
        kernels, channels, multiplier, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
        padTop, padRight, padBottom, padLeft, packed, tile);
  }

  /** The output height for an input of height {@code inH}; throws if it would be below 1. */
  public int outputHeight(int inH) {
    return NhwcChecks.convolutionOutput(
        NAME, "height", inH, padTop, padBottom, kernelH, strideH, dilationH);
  }

  /** The output width for an input of width {@code inW}; throws if it would be below 1. */
  public int outputWidth(int inW) {
    return NhwcChecks.convolutionOutput(
        NAME, "width", inW, padLeft, padRight, kernelW, strideW, dilationW);
  }

  /** Input channels. */
  public int channels() {
    return channels;
  }

  /** Output channels, {@code channels * multiplier}. */
  public int outputChannels() {
    return outChannels;
  }

  /**
   * Computes {@code out[N, OH, OW, C * multiplier]} from {@code in[N, inH, inW, C]}, clamped to
   * {@code [min, max]}. Offsets count floats; the output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment in, long inOff, MemorySegment out, long outOff,
      float min, float max) {
    NhwcChecks.nonNegative(NAME, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    NhwcChecks.clamp(NAME, min, max);
    NhwcChecks.floats(NAME, "input", in, inOff, NhwcChecks.elements(NAME, batch, inH, inW, channels));
    NhwcChecks.floats(
        NAME, "output", out, outOff, NhwcChecks.elements(NAME, batch, outH, outW, outChannels));
    if (batch == 0) {
      return;
    }
    OutputRowsJob.run(
        OutputRowsJob.DEPTHWISE, this, null, batch, inH, inW, outH, outW, in, inOff, out, outOff,
        min, max, (long) outW * outChannels * kernelH * kernelW);
  }
}
