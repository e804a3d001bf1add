package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.nhwc.Conv2dNhwc;
import org.et4j.kernels.nhwc.ConvTranspose2dNhwc;
import org.et4j.kernels.nhwc.DepthwiseConv2dNhwc;

/**
 * XNNPACK's Conv2d, DepthwiseConv2d and ConvTranspose2d nodes over fp32 NHWC values, with the
 * fused output clamp: the kernels module's NHWC convolutions, whose weights are packed once here
 * at delegate init ({@link Conv2dNhwc}: indirection-table GEMM, 1x1 as a plain GEMM; {@link
 * DepthwiseConv2dNhwc}: channel tiles; {@link ConvTranspose2dNhwc}). Filters are stored as the
 * exporter writes them: {@code [OC, KH, KW, CG]} for Conv2d, {@code [1, KH, KW, OC]} for
 * depthwise, {@code [groups * OCG, KH, KW, CG]} for transposed.
 */
final class Conv2dOp extends XnnOp {
  /** Which of the three convolution nodes. */
  enum Kind {
    CONV,
    DEPTHWISE,
    TRANSPOSED
  }

  /** The node's geometry, as serialized. */
  record Geometry(int padTop, int padRight, int padBottom, int padLeft, int kernelH, int kernelW, int strideH,
      int strideW, int dilationH, int dilationW, int groupInputChannels, int groupOutputChannels, int groups,
      int adjustmentH, int adjustmentW) {}

  private final XTensor in;
  private final XTensor out;
  private final Kind kind;
  private final float min;
  private final float max;
  private final Conv2dNhwc conv;
  private final DepthwiseConv2dNhwc depthwise;
  private final ConvTranspose2dNhwc transposed;
  private final int inChannels;
  private final int outChannels;

  Conv2dOp(XnnGraph.Node node, String where, Kind kind, Geometry g, XTensor in, XTensor filter, XTensor bias,
      XTensor out) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    this.kind = kind;
    this.min = node.outputMin();
    this.max = node.outputMax();
    if (in.type != XnnDatatype.FP32 || out.type != XnnDatatype.FP32 || filter.type != XnnDatatype.FP32
        || bias != null && bias.type != XnnDatatype.FP32) {
      throw unsupported("convolution of " + in.describe() + " with filter " + filter.describe()
          + ": et4j runs float convolutions with fp32 filters, and dynamically quantized ones (qdint8 input, qcint8 filter)");
    }
    if (!filter.isConstant() || bias != null && !bias.isConstant()) {
      throw unsupported("filter " + filter.describe() + " and bias must be constants");
    }
    if (in.rank() != 4 || out.rank() != 4 || filter.rank() != 4) {
      throw invalid("input " + in.describe() + ", filter " + filter.describe() + " and output " + out.describe()
          + " must be 4-D (NHWC)");
    }
    long groups = g.groups();
    long cg = g.groupInputChannels();
    long ocg = g.groupOutputChannels();
    if (groups < 1 || cg < 1 || ocg < 1 || groups * cg > Integer.MAX_VALUE || groups * ocg > Integer.MAX_VALUE) {
      throw invalid("groups " + groups + " x " + cg + " input / " + ocg + " output channels");
    }
    inChannels = (int) (groups * cg);
    outChannels = (int) (groups * ocg);
    int[] fd = filter.dims;
    boolean filterOk = switch (kind) {
      case CONV, TRANSPOSED -> fd[0] == outChannels && fd[1] == g.kernelH() && fd[2] == g.kernelW() && fd[3] == cg;
      case DEPTHWISE -> cg == 1 && fd[0] == 1 && fd[1] == g.kernelH() && fd[2] == g.kernelW() && fd[3] == outChannels;
    };
    if (!filterOk) {
      throw invalid("filter " + filter.describe() + " does not match " + g);
    }
    if (bias != null && (bias.rank() != 1 || bias.dims[0] != outChannels)) {
      throw invalid("bias " + bias.describe() + " does not have " + outChannels + " channels");
    }
    try {
      switch (kind) {
        case CONV -> {
          conv = Conv2dNhwc.prepare(g.groups(), g.groupInputChannels(), g.groupOutputChannels(), g.kernelH(),
              g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(), g.padRight(),
              g.padBottom(), g.padLeft(), filter.data, 0, bias == null ? null : bias.data, 0);
          depthwise = null;
          transposed = null;
        }
        case DEPTHWISE -> {
          conv = null;
          depthwise = DepthwiseConv2dNhwc.prepare(g.groups(), g.groupOutputChannels(), g.kernelH(), g.kernelW(),
              g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(), g.padRight(), g.padBottom(),
              g.padLeft(), filter.data, 0, bias == null ? null : bias.data, 0);
          transposed = null;
        }
        default -> {
          conv = null;
          depthwise = null;
          transposed = ConvTranspose2dNhwc.prepare(g.groups(), g.groupInputChannels(), g.groupOutputChannels(),
              g.kernelH(), g.kernelW(), g.strideH(), g.strideW(), g.dilationH(), g.dilationW(), g.padTop(),
              g.padRight(), g.padBottom(), g.padLeft(), g.adjustmentH(), g.adjustmentW(), filter.data, 0,
              bias == null ? null : bias.data, 0);
        }
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public void reshape() {
    if (in.dims[3] != inChannels) {
      throw badShape("input " + in.describe() + " has " + in.dims[3] + " channels, the filter expects " + inChannels);
    }
    try {
      int h = in.dims[1];
      int w = in.dims[2];
      out.dims[0] = in.dims[0];
      out.dims[1] = conv != null ? conv.outputHeight(h) : depthwise != null ? depthwise.outputHeight(h) : transposed.outputHeight(h);
      out.dims[2] = conv != null ? conv.outputWidth(w) : depthwise != null ? depthwise.outputWidth(w) : transposed.outputWidth(w);
      out.dims[3] = outChannels;
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
  }

  @Override
  public void run() {
    int n = in.dims[0];
    int h = in.dims[1];
    int w = in.dims[2];
    switch (kind) {
      case CONV -> conv.run(n, h, w, in.data, 0, out.data, 0, min, max);
      case DEPTHWISE -> depthwise.run(n, h, w, in.data, 0, out.data, 0, min, max);
      case TRANSPOSED -> transposed.run(n, h, w, in.data, 0, out.data, 0, min, max);
    }
  }
}
