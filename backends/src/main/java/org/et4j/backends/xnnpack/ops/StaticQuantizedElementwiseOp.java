package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.kernels.qgemm.StaticQuantization;
import org.et4j.kernels.qgemm.StaticQuantizedAdd;
import org.et4j.kernels.qgemm.StaticQuantizedMultiply;

/**
 * XNNPACK's statically quantized Add and Multiply ({@code qs8-vadd} fixed-point, {@code qs8-vmul}
 * fp32 requantization) over per-tensor qint8 values with numpy broadcasting, and Clamp on a qint8
 * value (the node's bounds quantized with the output's parameters, as XNNPACK's s8 clamp).
 */
final class StaticQuantizedElementwiseOp extends XnnOp {
  private final XnnNodeKind kind;
  private final XTensor a;
  private final XTensor b;
  private final XTensor out;
  private final StaticQuantizedAdd add;
  private final StaticQuantizedMultiply mul;
  private final int qmin;
  private final int qmax;
  private final int[] outDims;
  private final long[] aStrides;
  private final long[] bStrides;
  private long rows;
  private int inner;
  private long aInner;
  private long bInner;

  StaticQuantizedElementwiseOp(XnnGraph.Node node, String where, XTensor a, XTensor b, XTensor out) {
    super(node, where, b == null ? new XTensor[] {a} : new XTensor[] {a, b}, new XTensor[] {out});
    this.kind = node.kind();
    this.a = a;
    this.b = b;
    this.out = out;
    for (XTensor t : b == null ? new XTensor[] {a, out} : new XTensor[] {a, b, out}) {
      if (!StaticQuant.isPerTensorInt8(t)) {
        throw unsupported(t.describe() + ": static int8 " + kind.schemaName() + " needs per-tensor qint8 values");
      }
    }
    int r = out.rank();
    if (a.rank() > r || b != null && b.rank() > r) {
      throw invalid("output " + out.describe() + " has a lower rank than its inputs");
    }
    try {
      float os = StaticQuant.scale(out);
      int oz = StaticQuant.zeroPoint(out);
      switch (kind) {
        case ADD -> {
          add = StaticQuantizedAdd.prepare(StaticQuant.scale(a), StaticQuant.zeroPoint(a), StaticQuant.scale(b),
              StaticQuant.zeroPoint(b), os, oz, node.outputMin(), node.outputMax());
          mul = null;
        }
        case MULTIPLY -> {
          add = null;
          mul = StaticQuantizedMultiply.prepare(StaticQuant.scale(a), StaticQuant.zeroPoint(a), StaticQuant.scale(b),
              StaticQuant.zeroPoint(b), os, oz, node.outputMin(), node.outputMax());
        }
        case CLAMP -> {
          add = null;
          mul = null;
          if (StaticQuant.scale(a) != os || StaticQuant.zeroPoint(a) != oz) {
            throw unsupported("a static int8 Clamp needs the same quantization on input " + a.describe()
                + " and output " + out.describe());
          }
        }
        default -> throw unsupported("static int8 " + kind.schemaName() + " is not supported by et4j");
      }
      int[] range = StaticQuantization.outputRange(node.outputMin(), node.outputMax(), os, oz);
      qmin = range[0];
      qmax = range[1];
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    outDims = new int[r];
    aStrides = new long[r];
    bStrides = new long[r];
  }

  @Override
  public void reshape() {
    int r = out.rank();
    if (b == null) {
      out.setDims(a.dims);
      rows = 1;
      inner = (int) Math.min(Integer.MAX_VALUE, a.numel());
      return;
    }
    int ra = a.rank();
    int rb = b.rank();
    if (Math.max(ra, rb) != r) {
      throw badShape("output rank " + r + " is not the larger of the input ranks " + ra + " and " + rb);
    }
    long sa = 1;
    long sb = 1;
    for (int i = r - 1; i >= 0; i--) {
      int da = i - (r - ra) >= 0 ? a.dims[i - (r - ra)] : 1;
      int db = i - (r - rb) >= 0 ? b.dims[i - (r - rb)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw badShape("input dims " + a.describe() + " and " + b.describe() + " are not broadcastable");
      }
      int d = da == 0 || db == 0 ? 0 : Math.max(da, db);
      outDims[i] = d;
      aStrides[i] = da == 1 && d != 1 ? 0 : sa;
      bStrides[i] = db == 1 && d != 1 ? 0 : sb;
      sa *= da;
      sb *= db;
    }
    out.setDims(outDims);
    long n = out.numel();
    if (a.numel() == n && b.numel() == n || a.numel() == 1 || b.numel() == 1) {
      inner = (int) Math.min(Integer.MAX_VALUE, n);
      aInner = a.numel() == 1 && n != 1 ? 0 : 1;
      bInner = b.numel() == 1 && n != 1 ? 0 : 1;
    } else {
      inner = r == 0 ? 1 : outDims[r - 1];
      aInner = aStrides[r - 1];
      bInner = bStrides[r - 1];
    }
    rows = inner == 0 ? 0 : n / inner;
  }

  @Override
  public void run() {
    if (b == null) {
      long n = a.numel();
      for (long i = 0; i < n; i++) {
        int q = a.data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i);
        out.data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) Math.min(Math.max(q, qmin), qmax));
      }
      return;
    }
    int r = out.rank();
    long oi = 0;
    for (long row = 0; row < rows; row++, oi += inner) {
      long ai = 0;
      long bi = 0;
      if (rows > 1) {
        long rem = row;
        for (int d = r - 2; d >= 0; d--) {
          int size = outDims[d];
          long c = rem % size;
          rem /= size;
          ai += c * aStrides[d];
          bi += c * bStrides[d];
        }
      }
      if (add != null) {
        add.run(a.data, ai, aInner, b.data, bi, bInner, out.data, oi, inner);
      } else {
        mul.run(a.data, ai, aInner, b.data, bi, bInner, out.data, oi, inner);
      }
    }
  }
}
