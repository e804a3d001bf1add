package org.et4j.kernels.portable.nn;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The geometry of one {@code aten::convolution.out} call site, as 2-D (height first; a 1-D
 * convolution has a height of 1): the parameters fixed at bind, and the sizes derived from the
 * input and weight shapes. {@link #refresh} recomputes and validates the sizes only when a tensor's
 * {@link TensorImpl#shapeVersion()} moved, so a static-shape call checks its shapes once, at bind.
 *
 * <p>Not thread-safe: one instance per call site, owned by its single-threaded method.
 */
final class ConvolutionShape {
  final TensorImpl in;
  final TensorImpl weight;
  final TensorImpl bias;
  final TensorImpl out;
  final boolean oneD;
  final boolean transposed;
  final int groups;
  final int strideH;
  final int strideW;
  final int padH;
  final int padW;
  final int dilationH;
  final int dilationW;
  final int outputPaddingH;
  final int outputPaddingW;

  // Derived from the shapes by refresh(): [N, C, H, W] input, [OC, OH, OW] output.
  int batch;
  int channels;
  int height;
  int width;
  int kernelH;
  int kernelW;
  int outChannels;
  int outH;
  int outW;

  private final int[] outSizes;
  private final long[] stride;
  private final long[] padding;
  private final long[] dilation;
  private int inVersion = -1;
  private int weightVersion = -1;
  private int version;

  ConvolutionShape(
      TensorImpl in, TensorImpl weight, TensorImpl bias, TensorImpl out, long[] stride,
      long[] padding, long[] dilation, boolean transposed, long[] outputPadding, int groups) {
    this.in = in;
    this.weight = weight;
    this.bias = bias;
    this.out = out;
    this.oneD = in.dim() == 3;
    this.transposed = transposed;
    this.groups = groups;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    if (oneD) {
      strideH = 1;
      padH = 0;
      dilationH = 1;
      outputPaddingH = 0;
      strideW = (int) stride[0];
      padW = (int) padding[0];
      dilationW = (int) dilation[0];
      outputPaddingW = transposed ? (int) NnArgs.valAt(outputPadding, 0, 0) : 0;
    } else {
      strideH = (int) NnArgs.valAt(stride, 0, 1);
      strideW = (int) NnArgs.valAt(stride, 1, 1);
      padH = (int) NnArgs.valAt(padding, 0, 0);
      padW = (int) NnArgs.valAt(padding, 1, 0);
      dilationH = (int) NnArgs.valAt(dilation, 0, 1);
      dilationW = (int) NnArgs.valAt(dilation, 1, 1);
      outputPaddingH = transposed ? (int) NnArgs.valAt(outputPadding, 0, 0) : 0;
      outputPaddingW = transposed ? (int) NnArgs.valAt(outputPadding, 1, 0) : 0;
    }
    this.outSizes = new int[in.dim()];
  }

  /**
   * Checks what depends on the weight and bias alone, at bind and before any algorithm packs
   * them (the input's shape may not be known yet): every kernel extent at least 1 and a bias of
   * one value per output channel. ExecuTorch's portable kernel would index past an empty kernel's
   * weight; et4j refuses it.
   */
  void checkWeight() {
    String op = ConvolutionOp.NAME;
    for (int d = 2; d < weight.dim(); d++) {
      if (weight.size(d) < 1) {
        throw KernelChecks.invalid(op, "weight " + weight.describe() + " has an empty kernel (dim " + d + ")");
      }
    }
    long outs = transposed ? (long) groups * weight.size(1) : weight.size(0);
    if (bias != null && (bias.dim() != 1 || bias.size(0) != outs)) {
      throw KernelChecks.invalid(
          op, "bias " + bias.describe() + " must have " + outs + " values, one per output channel of weight "
              + weight.describe());
    }
  }

  /** Input channels per group. */
  int groupChannels() {
    return channels / groups;
  }

  /** Output channels per group. */
  int groupOutChannels() {
    return outChannels / groups;
  }

  /**
   * How many times the sizes were derived: an algorithm that caches what it computes from them
   * (a GEMM's geometry) remakes it when this moves.
   */
  int version() {
    return version;
  }

  /** True when the input or weight shape changed since the last refresh (always before the first). */
  boolean stale() {
    return in.shapeVersion() != inVersion || weight.shapeVersion() != weightVersion;
  }

  /**
   * Validates the shapes, derives the output size and resizes {@code out} when a shape moved;
   * returns false when the output is empty (nothing to compute).
   */
  boolean refresh() {
    if (stale()) {
      derive();
      version++;
      inVersion = in.shapeVersion();
      weightVersion = weight.shapeVersion();
    }
    return out.numel() != 0;
  }

  private void derive() {
    String op = ConvolutionOp.NAME;
    batch = in.size(0);
    channels = in.size(1);
    height = oneD ? 1 : in.size(2);
    width = in.size(in.dim() - 1);
    kernelH = oneD ? 1 : weight.size(2);
    kernelW = weight.size(weight.dim() - 1);
    outChannels = transposed ? groups * weight.size(1) : weight.size(0);
    if (transposed ? channels != weight.size(0) : channels != groups * weight.size(1)) {
      throw KernelChecks.invalid(
          op,
          "input " + in.describe() + " does not match weight " + weight.describe() + " with groups="
              + groups + (transposed ? " (transposed)" : ""));
    }
    if (bias != null && bias.size(0) != outChannels) {
      throw KernelChecks.invalid(
          op, "bias " + bias.describe() + " must have " + outChannels + " output channels");
    }
    outH = outputSize(height, kernelH, padH, strideH, dilationH, transposed, outputPaddingH);
    outW = outputSize(width, kernelW, padW, strideW, dilationW, transposed, outputPaddingW);
    if (outH < 1 || outW < 1) {
      throw KernelChecks.invalid(
          op,
          "output would be empty: input " + in.describe() + ", weight " + weight.describe()
              + ", stride " + Arrays.toString(stride) + ", padding " + Arrays.toString(padding)
              + ", dilation " + Arrays.toString(dilation));
    }
    outSizes[0] = batch;
    outSizes[1] = channels == 0 ? 0 : outChannels;
    if (!oneD) {
      outSizes[2] = outH;
    }
    outSizes[outSizes.length - 1] = outW;
    NnArgs.resize(op, out, outSizes);
  }

  /** ExecuTorch's {@code _kernel_output_size_helper} without ceil mode. */
  static int outputSize(
      int in, int k, int pad, int stride, int dilation, boolean transposed, int outputPadding) {
    long size =
        transposed
            ? (long) (in - 1) * stride - 2L * pad + (long) dilation * (k - 1) + outputPadding + 1
            : ((long) in + 2L * pad - (long) dilation * (k - 1) - 1) / stride + 1;
    if (!transposed && (long) in + 2L * pad - (long) dilation * (k - 1) - 1 < 0) {
      return 0;
    }
    return (int) Math.max(0, Math.min(size, Integer.MAX_VALUE));
  }
}
