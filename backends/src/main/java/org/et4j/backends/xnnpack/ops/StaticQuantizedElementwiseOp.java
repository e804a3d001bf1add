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
  private final BroadcastRows plan;

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
    plan = new BroadcastRows(r);
  }

  @Override
  public void reshape() {
    if (b == null) {
      out.setDims(a.dims);
      return;
    }
    try {
      plan.plan(a, b, out);
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
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
    long oi = 0;
    int inner = plan.inner;
    for (long row = 0; row < plan.rows; row++, oi += inner) {
      long ai = plan.aOffset(row);
      long bi = plan.bOffset(row);
      if (add != null) {
        add.run(a.data, ai, plan.aInner, b.data, bi, plan.bInner, out.data, oi, inner);
      } else {
        mul.run(a.data, ai, plan.aInner, b.data, bi, plan.bInner, out.data, oi, inner);
      }
    }
  }
}
