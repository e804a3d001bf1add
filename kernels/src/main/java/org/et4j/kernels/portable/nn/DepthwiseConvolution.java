package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.nhwc.DepthwiseConv2dNhwc;
import org.et4j.runtime.kernel.KernelContext;

/**
 * float32 depthwise convolution ({@code groups == C}, one input channel per group) with a constant
 * weight: the XNNPACK delegate's {@link DepthwiseConv2dNhwc}, its filter packed once here into
 * channel tiles with the bias. As {@link IndirectConvolution}, an input in the default dim order
 * is moved to channels-last in scratch memory and the output moved back; channels-last calls run
 * in place.
 *
 * <p>Immutable after prepare.
 */
final class DepthwiseConvolution {
  private final ChannelsLastCopy.ChannelsLastKernel kernel;
  private final boolean channelsLast;

  private DepthwiseConvolution(DepthwiseConv2dNhwc conv, boolean channelsLast) {
    // Made once here, so that a call allocates nothing.
    this.kernel = (batch, height, width, in, inOffset, out, outOffset) ->
        conv.run(batch, height, width, in, inOffset, out, outOffset, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    this.channelsLast = channelsLast;
  }

  /** True when the call is depthwise: every group has one input channel. */
  static boolean applies(ConvolutionShape s) {
    return s.weight.size(1) == 1 && s.groups == s.in.size(1);
  }

  /** Packs {@code s.weight} ({@code [C * multiplier, 1, KH, KW]}, a program constant) and bias. */
  static DepthwiseConvolution prepare(ConvolutionShape s, boolean channelsLast, FoldedBatchNorm folded) {
    int oc = s.weight.size(0);
    int kh = s.oneD ? 1 : s.weight.size(2);
    int kw = s.weight.size(s.weight.dim() - 1);
    MemorySegment filter = ConstantFilters.hwo(s.weight, s.oneD, folded == null ? null : folded.scale);
    DepthwiseConv2dNhwc conv =
        DepthwiseConv2dNhwc.prepare(
            s.groups, oc / s.groups, kh, kw, s.strideH, s.strideW, s.dilationH, s.dilationW,
            s.padH, s.padW, s.padH, s.padW, filter, 0, folded != null ? folded.bias : s.bias == null ? null : s.bias.data(), 0);
    return new DepthwiseConvolution(conv, channelsLast);
  }

  void run(KernelContext ctx, ConvolutionShape s) {
    ChannelsLastCopy.run(ctx, s, channelsLast, kernel);
  }
}
