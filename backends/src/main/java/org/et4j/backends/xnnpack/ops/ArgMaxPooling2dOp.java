package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;

/**
 * XNNPACK's ArgMaxPooling2d node over NHWC fp32: non-overlapping windows (the stride is the
 * pooling size), each output the window's maximum and its int32 index. As XNNPACK's
 * {@code f32-argmaxpool} kernels over the max-pooling indirection buffer: taps are visited
 * column by column ({@code index = x * poolingHeight + y}), a padding tap reads the nearest
 * border pixel, the running maximum starts at -inf and only a strictly greater value replaces
 * it, so ties keep the earliest tap.
 */
final class ArgMaxPooling2dOp extends XnnOp {
  private final XTensor in;
  private final XTensor values;
  private final XTensor indices;
  private final int padTop;
  private final int padLeft;
  private final int padBottom;
  private final int padRight;
  private final int poolH;
  private final int poolW;

  ArgMaxPooling2dOp(XnnGraph.Node node, String where, XTensor in, XTensor values, XTensor indices, long[] params) {
    super(node, where, new XTensor[] {in}, new XTensor[] {values, indices});
    this.in = in;
    this.values = values;
    this.indices = indices;
    for (long p : params) {
      if (p > 1 << 20) {
        throw invalid("pooling parameter " + p + " is too large");
      }
    }
    padTop = (int) params[0];
    padRight = (int) params[1];
    padBottom = (int) params[2];
    padLeft = (int) params[3];
    poolH = (int) params[4];
    poolW = (int) params[5];
    if (poolH < 1 || poolW < 1 || poolH * poolW < 2) {
      throw invalid("pooling window " + poolH + "x" + poolW + " must have at least 2 elements");
    }
    if (in.type != XnnDatatype.FP32 || values.type != XnnDatatype.FP32 || indices.type != XnnDatatype.INT32) {
      throw unsupported("argmax pooling needs fp32 input and values and int32 indices");
    }
    if (in.rank() != 4 || values.rank() != 4 || indices.rank() != 4) {
      throw invalid("input " + in.describe() + ", values and indices must be 4-D NHWC");
    }
  }

  @Override
  public void reshape() {
    long h = (long) in.dims[1] + padTop + padBottom;
    long w = (long) in.dims[2] + padLeft + padRight;
    if (h < poolH || w < poolW) {
      throw badShape("input " + in.describe() + " is smaller than the pooling window " + poolH + "x" + poolW);
    }
    int oh = (int) (h / poolH);
    int ow = (int) (w / poolW);
    for (XTensor o : new XTensor[] {values, indices}) {
      o.dims[0] = in.dims[0];
      o.dims[1] = oh;
      o.dims[2] = ow;
      o.dims[3] = in.dims[3];
    }
  }

  @Override
  public void run() {
    int n = in.dims[0];
    int ih = in.dims[1];
    int iw = in.dims[2];
    int ch = in.dims[3];
    int oh = values.dims[1];
    int ow = values.dims[2];
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          long o = (((long) b * oh + oy) * ow + ox) * ch;
          for (int c = 0; c < ch; c++) {
            float best = Float.NEGATIVE_INFINITY;
            int bestIndex = 0;
            for (int px = 0; px < poolW; px++) {
              int x = Math.min(Math.max(ox * poolW + px - padLeft, 0), iw - 1);
              for (int py = 0; py < poolH; py++) {
                int y = Math.min(Math.max(oy * poolH + py - padTop, 0), ih - 1);
                float v = in.data.getAtIndex(Floats.F32, (((long) b * ih + y) * iw + x) * ch + c);
                if (v > best) {
                  best = v;
                  bestIndex = px * poolH + py;
                }
              }
            }
            values.data.setAtIndex(Floats.F32, o + c, best);
            indices.data.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, o + c, bestIndex);
          }
        }
      }
    }
  }
}
