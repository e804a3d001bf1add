package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.portable.reduce.FloatRows;

/**
 * XNNPACK's Softmax node: softmax over the last dim ({@code exp(x - max) / sum}). float32 rows run
 * the portable {@code _softmax} kernel's row code ({@link FloatRows}); other floating types are
 * widened per element.
 */
final class SoftmaxOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final FloatRows rows = FloatRows.get();

  SoftmaxOp(XnnGraph.Node node, String where, XTensor in, XTensor out) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if (!Floats.isFloating(in.type) || in.type != out.type) {
      throw unsupported(in.describe() + " -> " + out.describe() + ": softmax needs matching floating types");
    }
    if (in.rank() < 1 || in.rank() != out.rank()) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " must have the same rank >= 1");
    }
  }

  @Override
  public void reshape() {
    out.setDims(in.dims);
  }

  @Override
  public void run() {
    int n = in.lastDim();
    if (n == 0) {
      return;
    }
    long r = in.numel() / n;
    if (in.type == XnnDatatype.FP32) {
      for (long i = 0; i < r; i++) {
        rows.softmax(in.data, i * n, out.data, i * n, n);
      }
      return;
    }
    for (long i = 0; i < r; i++) {
      long base = i * n;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, Floats.get(in.type, in.data, base + j));
      }
      float sum = 0;
      for (int j = 0; j < n; j++) {
        sum += (float) Math.exp(Floats.get(in.type, in.data, base + j) - max);
      }
      for (int j = 0; j < n; j++) {
        Floats.set(out.type, out.data, base + j, (float) Math.exp(Floats.get(in.type, in.data, base + j) - max) / sum);
      }
    }
  }
}
