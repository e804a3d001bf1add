package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.nhwc.Conv2dNhwc;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * float32 convolution with a constant weight: the XNNPACK delegate's {@link Conv2dNhwc}, the same
 * code. Its filter is packed once here, at bind, and each call is an indirect GEMM (IGEMM) that
 * reads the input's pixels in place through an indirection table, with no im2col copy (a 1x1
 * unit-stride kernel is a plain GEMM over the input). The kernel works channels-last: an input in
 * the default dim order is first moved into channels-last order in the call's scratch memory, and
 * the output moved back ({@link ChannelsLastCopy}); a channels-last call reads and writes its
 * tensors in place. The moves cost O(input + output), the product O(output * K).
 *
 * <p>Not thread-safe (the indirection table is cached per input size); one instance per call site.
 */
final class IndirectConvolution {
  private final ChannelsLastCopy.ChannelsLastKernel kernel;
  private final boolean channelsLast;

  private IndirectConvolution(Conv2dNhwc conv, boolean channelsLast) {
    // Made once here, so that a call allocates nothing.
    this.kernel = (batch, height, width, in, inOffset, out, outOffset) ->
        conv.run(batch, height, width, in, inOffset, out, outOffset, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    this.channelsLast = channelsLast;
  }

  /**
   * Packs {@code s.weight} ({@code [OC, CG, KH, KW]} in either dim order, a program constant) and
   * the constant bias, if any.
   */
  static IndirectConvolution prepare(ConvolutionShape s, boolean channelsLast, FoldedBatchNorm folded) {
    TensorImpl weight = s.weight;
    int oc = weight.size(0);
    int cg = weight.size(1);
    int kh = s.oneD ? 1 : weight.size(2);
    int kw = weight.size(weight.dim() - 1);
    int ocg = oc / s.groups;
    MemorySegment filter = ConstantFilters.ohwi(weight, s.oneD, folded == null ? null : folded.scale);
    Conv2dNhwc conv =
        Conv2dNhwc.prepare(
            s.groups, cg, ocg, kh, kw, s.strideH, s.strideW, s.dilationH, s.dilationW, s.padH,
            s.padW, s.padH, s.padW, filter, 0, folded != null ? folded.bias : s.bias == null ? null : s.bias.data(), 0);
    return new IndirectConvolution(conv, channelsLast);
  }

  void run(KernelContext ctx, ConvolutionShape s) {
    ChannelsLastCopy.run(ctx, s, channelsLast, kernel);
  }
}
