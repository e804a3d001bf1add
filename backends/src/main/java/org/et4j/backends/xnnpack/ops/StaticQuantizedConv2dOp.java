package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.qgemm.StaticQuantizedConv2d;
import org.et4j.kernels.qgemm.StaticQuantizedDepthwiseConv2d;

/**
 * XNNPACK's statically quantized Conv2d and DepthwiseConv2d ({@code qs8-qc8w} IGEMM and dwconv):
 * per-tensor qint8 NHWC input and output, constant qcint8 filters ({@code [OC, KH, KW, CG]}, or
 * {@code [1, KH, KW, OC]} for depthwise), int32 biases, padding taps at the input zero point,
 * fp32 requantization and the node's clamp in the int8 range, through the kernels module's
 * {@link StaticQuantizedConv2d} and {@link StaticQuantizedDepthwiseConv2d}.
 */
final class StaticQuantizedConv2dOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final StaticQuantizedConv2d conv;
  private final StaticQuantizedDepthwiseConv2d depthwise;
  private final int inChannels;
  private final int outChannels;

  StaticQuantizedConv2dOp(XnnGraph.Node node, String where, Conv2dOp.Kind kind, Conv2dOp.Geometry g, XTensor in,
      XTensor filter, XTensor bias, XTensor out) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if (kind == Conv2dOp.Kind.TRANSPOSED) {
      throw unsupported("a statically quantized ConvTranspose2d is not supported by et4j");
    }
    if (!StaticQuant.isPerTensorInt8(in) || !StaticQuant.isPerTensorInt8(out)) {
      throw unsupported("input " + in.describe() + " and output " + out.describe()
          + " of a static int8 convolution must be per-tensor qint8");
    }
    if (!filter.isConstant() || in.rank() != 4 || out.rank() != 4 || filter.rank() != 4) {
      throw invalid("input " + in.describe() + ", filter " + filter.describe() + " and output " + out.describe()
          + " must be 4-D (NHWC) with a constant filter");
    }
    long oc = (long) g.groups() * g.groupOutputChannels();
    long ic = (long) g.groups() * g.groupInputChannels();
    if (oc > Integer.MAX_VALUE || ic > Integer.MAX_VALUE || oc < 1 || ic < 1) {
      throw invalid("channels " + ic + " -> " + oc + " out of range");
    }
    inChannels = (int) ic;
    outChannels = (int) oc;
    int[] fd = filter.dims;
    boolean depth = kind == Conv2dOp.Kind.DEPTHWISE;
    boolean filterOk = depth
        ? g.groupInputChannels() == 1 && fd[0] == 1 && fd[1] == g.kernelH() && fd[2] == g.kernelW() && fd[3] == oc
        : fd[0] == oc && fd[1] == g.kernelH() && fd[2] == g.kernelW() && fd[3] == g.groupInputChannels();
    if (!filterOk) {
      throw invalid("filter " + filter.describe() + " does not match " + g);
    }
    float[] scales = StaticQuant.weightScales(filter, this, outChannels, depth ? 3 : 0);
    StaticQuant.checkBias(bias, this, outChannels);
    float inScale = StaticQuant.scale(in);
    int inZp = StaticQuant.zeroPoint(in);
    float outScale = StaticQuant.scale(out);
    int outZp = StaticQuant.zeroPoint(out);
    try {
      if (depth) {
        conv = null;
        depthwise = StaticQuantizedDepthwiseConv2d.prepare(g.groups(), g.groupOutputChannels(), g.kernelH(),
            g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(), g.padRight(),
            g.padBottom(), g.padLeft(), filter.data, 0, scales, bias == null ? null : bias.data, 0, inScale, inZp,
            outScale, outZp, node.outputMin(), node.outputMax());
      } else {
        depthwise = null;
        conv = StaticQuantizedConv2d.prepare(g.groups(), g.groupInputChannels(), g.groupOutputChannels(),
            g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(),
            g.padRight(), g.padBottom(), g.padLeft(), filter.data, 0, scales, bias == null ? null : bias.data, 0,
            inScale, inZp, outScale, outZp, node.outputMin(), node.outputMax());
      }
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public void reshape() {
    if (in.dims[3] != inChannels) {
      throw badShape("input " + in.describe() + " has " + in.dims[3] + " channels, the filter expects " + inChannels);
    }
    try {
      out.dims[0] = in.dims[0];
      out.dims[1] = conv != null ? conv.outputHeight(in.dims[1]) : depthwise.outputHeight(in.dims[1]);
      out.dims[2] = conv != null ? conv.outputWidth(in.dims[2]) : depthwise.outputWidth(in.dims[2]);
      out.dims[3] = outChannels;
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
  }

  @Override
  public void run() {
    if (conv != null) {
      conv.run(in.dims[0], in.dims[1], in.dims[2], in.data, 0, out.data, 0);
    } else {
      depthwise.run(in.dims[0], in.dims[1], in.dims[2], in.data, 0, out.data, 0);
    }
  }
}
