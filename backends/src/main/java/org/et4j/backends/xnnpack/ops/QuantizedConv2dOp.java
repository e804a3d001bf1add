package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnQuant;
import org.et4j.kernels.qgemm.QuantizedGemm;
import org.et4j.kernels.qgemm.QuantizedRows;
import org.et4j.kernels.qgemm.QuantizedWeights;

/**
 * XNNPACK's dynamically quantized Conv2d ({@code qd8-f32-qc8w} convolution): a qdint8 NHWC input
 * quantized per image, qcint8 filters {@code [OC, KH, KW, C]} with per-channel scales, fp32 bias
 * and output. As a GEMM over output pixels with {@code K = KH * KW * C}: a 1x1, stride-1,
 * unpadded convolution reads the quantized input rows as they are; any other gathers each output
 * pixel's taps into a reusable int8 row buffer, padding taps taking the image's zero point (the
 * quantized value of 0.0, as XNNPACK's zero buffers hold). Integer products are exact, and the
 * quantized GEMM applies the scales once per output.
 */
final class QuantizedConv2dOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final Conv2dOp.Geometry g;
  private final int channels;
  private final int outChannels;
  private final int kk;
  private final boolean direct;
  private final float min;
  private final float max;
  private final QuantizedWeights weights;
  private final QuantizedGemm gemm = QuantizedGemm.get();
  private QuantizedRows workspace;
  private byte[] gathered = new byte[0];
  private int[] rowZeroPoints = new int[0];
  private float[] rowScales = new float[0];

  QuantizedConv2dOp(XnnGraph.Node node, String where, Conv2dOp.Kind kind, Conv2dOp.Geometry g, XTensor in,
      XTensor filter, XTensor bias, XTensor out) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    this.g = g;
    if (kind != Conv2dOp.Kind.CONV || g.groups() != 1) {
      throw unsupported("dynamically quantized " + node.kind().schemaName() + " with " + g.groups()
          + " groups: et4j runs qdint8 input only for ungrouped Conv2d");
    }
    if (filter.type != XnnDatatype.QCINT8 || out.type != XnnDatatype.FP32
        || bias != null && bias.type != XnnDatatype.FP32) {
      throw unsupported("qdint8 convolution needs a qcint8 filter and fp32 bias and output, got filter "
          + filter.describe() + ", output " + out.describe());
    }
    if (!filter.isConstant() || bias != null && !bias.isConstant()) {
      throw unsupported("filter " + filter.describe() + " and bias must be constants");
    }
    if (in.rank() != 4 || out.rank() != 4 || filter.rank() != 4) {
      throw invalid("input " + in.describe() + ", filter " + filter.describe() + " and output " + out.describe()
          + " must be 4-D (NHWC)");
    }
    if (g.kernelH() < 1 || g.kernelW() < 1 || g.strideH() < 1 || g.strideW() < 1 || g.dilationH() < 1
        || g.dilationW() < 1) {
      throw invalid("kernel, stride and dilation must be positive: " + g);
    }
    channels = g.groupInputChannels();
    outChannels = g.groupOutputChannels();
    int[] fd = filter.dims;
    if (fd[0] != outChannels || fd[1] != g.kernelH() || fd[2] != g.kernelW() || fd[3] != channels) {
      throw invalid("filter " + filter.describe() + " does not match " + g);
    }
    long kLong = (long) g.kernelH() * g.kernelW() * channels;
    if (kLong > Integer.MAX_VALUE / 4) {
      throw invalid("filter " + filter.describe() + " is too large");
    }
    kk = (int) kLong;
    direct = g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padTop() == 0
        && g.padLeft() == 0 && g.padBottom() == 0 && g.padRight() == 0;
    XnnQuant.PerChannel q = (XnnQuant.PerChannel) filter.quant();
    if (q.channelDim() != 0 || q.scales().length != outChannels) {
      throw invalid("filter " + filter.describe() + " needs " + outChannels + " scales along dim 0");
    }
    if (bias != null && (bias.rank() != 1 || bias.dims[0] != outChannels)) {
      throw invalid("bias " + bias.describe() + " must have " + outChannels + " values");
    }
    min = node.outputMin();
    max = node.outputMax();
    try {
      weights = QuantizedWeights.packQc8w(outChannels, kk, filter.data, 0, true, q.scales(),
          bias == null ? null : bias.data, 0);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  private int outSize(int in, int pad0, int pad1, int kernel, int stride, int dilation, String axis) {
    long span = (long) dilation * (kernel - 1) + 1;
    long padded = (long) in + pad0 + pad1;
    if (padded < span) {
      throw badShape("input " + this.in.describe() + " is smaller than the kernel along " + axis);
    }
    return (int) ((padded - span) / stride + 1);
  }

  @Override
  public void reshape() {
    if (in.dims[3] != channels) {
      throw badShape("input " + in.describe() + " has " + in.dims[3] + " channels, the filter expects " + channels);
    }
    int oh = outSize(in.dims[1], g.padTop(), g.padBottom(), g.kernelH(), g.strideH(), g.dilationH(), "height");
    int ow = outSize(in.dims[2], g.padLeft(), g.padRight(), g.kernelW(), g.strideW(), g.dilationW(), "width");
    out.dims[0] = in.dims[0];
    out.dims[1] = oh;
    out.dims[2] = ow;
    out.dims[3] = outChannels;
    long image = (long) in.dims[1] * in.dims[2] * channels;
    if (in.quantizedRowLength % Math.max(image, 1) != 0 && image % Math.max(in.quantizedRowLength, 1) == 0) {
      throw unsupported("input " + in.describe() + " is quantized per " + in.quantizedRowLength
          + " elements; a convolution needs one set of parameters per image");
    }
    long pixels = (long) oh * ow;
    if (pixels * kk > Integer.MAX_VALUE - 16) {
      throw badShape("output " + out.describe() + " is too large");
    }
    int rows = (int) pixels;
    if (workspace == null || workspace.maxRows() < rows) {
      workspace = QuantizedRows.allocate(Math.max(rows, 1), kk);
      rowZeroPoints = new int[Math.max(rows, 1)];
      rowScales = new float[Math.max(rows, 1)];
    }
    if (!direct && gathered.length < pixels * kk) {
      gathered = new byte[(int) (pixels * kk)];
    }
  }

  @Override
  public void run() {
    int n = in.dims[0];
    int ih = in.dims[1];
    int iw = in.dims[2];
    int oh = out.dims[1];
    int ow = out.dims[2];
    int rows = oh * ow;
    long image = (long) ih * iw * channels;
    for (int b = 0; b < n; b++) {
      int q = (int) (b * image / Math.max(in.quantizedRowLength, 1));
      int zp = in.zeroPoints[q];
      float scale = in.scales[q];
      java.util.Arrays.fill(rowZeroPoints, 0, rows, zp);
      java.util.Arrays.fill(rowScales, 0, rows, scale);
      if (direct) {
        workspace.load(rows, in.quantizedValues, (int) (b * image), channels, rowZeroPoints, rowScales);
      } else {
        gather(b, ih, iw, oh, ow, (byte) zp);
        workspace.load(rows, gathered, 0, kk, rowZeroPoints, rowScales);
      }
      gemm.multiply(workspace, weights, out.data, (long) b * rows * outChannels, outChannels, min, max);
    }
  }

  /** Each output pixel's taps in filter order (kh, kw, c); padding taps hold the zero point. */
  private void gather(int b, int ih, int iw, int oh, int ow, byte zp) {
    byte[] src = in.quantizedValues;
    long base = (long) b * ih * iw * channels;
    int row = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++, row++) {
        int dst = row * kk;
        for (int ky = 0; ky < g.kernelH(); ky++) {
          int y = oy * g.strideH() - g.padTop() + ky * g.dilationH();
          for (int kx = 0; kx < g.kernelW(); kx++, dst += channels) {
            int x = ox * g.strideW() - g.padLeft() + kx * g.dilationW();
            if (y < 0 || y >= ih || x < 0 || x >= iw) {
              java.util.Arrays.fill(gathered, dst, dst + channels, zp);
            } else {
              System.arraycopy(src, (int) (base + ((long) y * iw + x) * channels), gathered, dst, channels);
            }
          }
        }
      }
    }
  }
}
