package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.kernels.qgemm.StaticQuantizedGlobalAvgPool;
import org.et4j.kernels.qgemm.StaticQuantizedMaxPool;

/**
 * XNNPACK's MaxPooling2d ({@code s8-maxpool}) and GlobalAvgPooling2d (the qs8 mean) over
 * per-tensor qint8 NHWC values, through the kernels module's static int8 pooling.
 */
final class StaticQuantizedPoolingOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final StaticQuantizedMaxPool max;
  private final StaticQuantizedGlobalAvgPool global;
  private final int channels;

  StaticQuantizedPoolingOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] p) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if (!StaticQuant.isPerTensorInt8(in) || !StaticQuant.isPerTensorInt8(out)) {
      throw unsupported("input " + in.describe() + " and output " + out.describe() + " must be per-tensor qint8");
    }
    if (in.rank() != 4 || (out.rank() != 4 && out.rank() != 2)) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " must be NHWC");
    }
    for (long v : p) {
      if (v > 1 << 24) {
        throw invalid("parameter " + v + " is too large");
      }
    }
    channels = in.dims[3];
    try {
      if (node.kind() == XnnNodeKind.MAX_POOLING_2D) {
        if (StaticQuant.scale(in) != StaticQuant.scale(out) || StaticQuant.zeroPoint(in) != StaticQuant.zeroPoint(out)) {
          throw unsupported("int8 max pooling needs the same quantization on input and output");
        }
        max = StaticQuantizedMaxPool.prepare(channels, (int) p[4], (int) p[5], (int) p[6], (int) p[7],
            (int) Math.max(1, p[8]), (int) Math.max(1, p[9]), (int) p[0], (int) p[1], (int) p[2], (int) p[3],
            StaticQuant.scale(out), StaticQuant.zeroPoint(out), node.outputMin(), node.outputMax());
        global = null;
      } else {
        max = null;
        global = StaticQuantizedGlobalAvgPool.prepare(channels, StaticQuant.scale(in), StaticQuant.zeroPoint(in),
            StaticQuant.scale(out), StaticQuant.zeroPoint(out), node.outputMin(), node.outputMax());
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public void reshape() {
    if (in.dims[3] != channels) {
      throw badShape("input " + in.describe() + " has " + in.dims[3] + " channels, the node was built for " + channels);
    }
    try {
      out.dims[0] = in.dims[0];
      if (out.rank() == 2) {
        out.dims[1] = channels;
        return;
      }
      out.dims[1] = max != null ? max.outputHeight(in.dims[1]) : 1;
      out.dims[2] = max != null ? max.outputWidth(in.dims[2]) : 1;
      out.dims[3] = channels;
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
  }

  @Override
  public void run() {
    if (max != null) {
      max.run(in.dims[0], in.dims[1], in.dims[2], in.data, 0, out.data, 0);
    } else {
      global.run(in.dims[0], in.dims[1], in.dims[2], in.data, 0, out.data, 0);
    }
  }
}
