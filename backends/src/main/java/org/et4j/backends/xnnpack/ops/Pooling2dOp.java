package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.kernels.nhwc.GlobalAvgPooling2dNhwc;
import org.et4j.kernels.nhwc.Pooling2dNhwc;
import org.et4j.kernels.nhwc.ResizeBilinearNhwc;

/**
 * XNNPACK's pooling and resizing nodes over fp32 NHWC values: MaxPooling2d, AvgPooling2d,
 * GlobalAvgPooling2d (output {@code [N, 1, 1, C]}, or {@code [N, C]} for a 2-D output) and
 * StaticResizeBilinear2D, through the kernels module's NHWC pooling and resize kernels.
 */
final class Pooling2dOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final XnnNodeKind kind;
  private final float min;
  private final float max;
  private final Pooling2dNhwc pooling;
  private final GlobalAvgPooling2dNhwc global;
  private final ResizeBilinearNhwc resize;

  /** @param p padding t/r/b/l, pool h/w, stride h/w, dilation h/w (pooling); new h/w, flags (resize) */
  Pooling2dOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] p) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    this.kind = node.kind();
    this.min = node.outputMin();
    this.max = node.outputMax();
    if (in.type != XnnDatatype.FP32 || out.type != XnnDatatype.FP32) {
      throw unsupported(in.describe() + " -> " + out.describe() + ": et4j runs " + kind.schemaName() + " on fp32 values");
    }
    if (in.rank() != 4 || (out.rank() != 4 && !(kind == XnnNodeKind.GLOBAL_AVG_POOLING_2D && out.rank() == 2))) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " must be NHWC");
    }
    for (long v : p) {
      if (v > Integer.MAX_VALUE) {
        throw invalid("parameter " + v + " is too large");
      }
    }
    int c = in.dims[3];
    try {
      switch (kind) {
        case MAX_POOLING_2D -> {
          pooling = Pooling2dNhwc.prepareMax(c, (int) p[4], (int) p[5], (int) p[6], (int) p[7],
              (int) Math.max(1, p[8]), (int) Math.max(1, p[9]), (int) p[0], (int) p[1], (int) p[2], (int) p[3]);
          global = null;
          resize = null;
        }
        case AVG_POOLING_2D -> {
          pooling = Pooling2dNhwc.prepareAverage(c, (int) p[4], (int) p[5], (int) p[6], (int) p[7], (int) p[0],
              (int) p[1], (int) p[2], (int) p[3]);
          global = null;
          resize = null;
        }
        case GLOBAL_AVG_POOLING_2D -> {
          pooling = null;
          global = GlobalAvgPooling2dNhwc.prepare(c);
          resize = null;
        }
        default -> {
          pooling = null;
          global = null;
          resize = ResizeBilinearNhwc.prepare(c, (int) p[0], (int) p[1], (int) p[2]);
        }
      }
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public void reshape() {
    int c = in.dims[3];
    int expected = pooling != null ? pooling.channels() : global != null ? global.channels() : resize.channels();
    if (c != expected) {
      throw badShape("input " + in.describe() + " has " + c + " channels, the node was built for " + expected);
    }
    try {
      out.dims[0] = in.dims[0];
      if (out.rank() == 2) {
        out.dims[1] = c;
        return;
      }
      out.dims[3] = c;
      if (pooling != null) {
        out.dims[1] = pooling.outputHeight(in.dims[1]);
        out.dims[2] = pooling.outputWidth(in.dims[2]);
      } else if (global != null) {
        out.dims[1] = 1;
        out.dims[2] = 1;
      } else {
        out.dims[1] = resize.outputHeight();
        out.dims[2] = resize.outputWidth();
      }
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
  }

  @Override
  public void run() {
    int n = in.dims[0];
    int h = in.dims[1];
    int w = in.dims[2];
    if (pooling != null) {
      pooling.run(n, h, w, in.data, 0, out.data, 0, min, max);
    } else if (global != null) {
      global.run(n, h, w, in.data, 0, out.data, 0, min, max);
    } else {
      resize.run(n, h, w, in.data, 0, out.data, 0);
    }
  }
}
