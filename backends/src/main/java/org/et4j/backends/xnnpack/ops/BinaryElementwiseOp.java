package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.MemorySegment;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.kernels.portable.pointwise.FloatPointwise;

/**
 * XNNPACK's binary elementwise nodes (Add, Subtract, Multiply, Div, Minimum, Maximum, and PReLU,
 * whose second input is the slope) with numpy broadcasting from the trailing dim, as XNNPACK's
 * {@code resize_binary_elementwise_output_tensor}, and the node's output clamp fused after the
 * operation. float32 rows go through the portable kernels' {@link FloatPointwise} (the same
 * vector code the portable add/sub/mul/div run); fp16 and bf16 compute in float32 and round once.
 */
final class BinaryElementwiseOp extends XnnOp {
  private final XnnNodeKind kind;
  private final XTensor a;
  private final XTensor b;
  private final XTensor out;
  private final float min;
  private final float max;
  private final boolean clamps;
  private final FloatPointwise pointwise = FloatPointwise.instance();
  private final BroadcastRows plan;

  BinaryElementwiseOp(XnnGraph.Node node, String where, XTensor a, XTensor b, XTensor out) {
    super(node, where, new XTensor[] {a, b}, new XTensor[] {out});
    this.kind = node.kind();
    this.a = a;
    this.b = b;
    this.out = out;
    // Only Add, Subtract, Multiply and Div take the node's output_min_max (XNNCompiler defines the
    // others without parameters), so a clamp serialized on them is ignored, as in ExecuTorch.
    boolean takesClamp = kind == XnnNodeKind.ADD || kind == XnnNodeKind.SUBTRACT || kind == XnnNodeKind.MULTIPLY
        || kind == XnnNodeKind.DIV;
    this.min = takesClamp ? node.outputMin() : Float.NEGATIVE_INFINITY;
    this.max = takesClamp ? node.outputMax() : Float.POSITIVE_INFINITY;
    this.clamps = min != Float.NEGATIVE_INFINITY || max != Float.POSITIVE_INFINITY;
    for (XTensor t : new XTensor[] {a, b, out}) {
      if (!Floats.isFloating(t.type)) {
        throw unsupported(t.describe() + ": et4j runs " + kind.schemaName() + " on fp32, fp16 and bf16 values");
      }
    }
    int r = out.rank();
    if (a.rank() > r || b.rank() > r) {
      throw invalid("output " + out.describe() + " has a lower rank than its inputs " + a.describe() + ", " + b.describe());
    }
    plan = new BroadcastRows(r);
  }

  @Override
  public void reshape() {
    try {
      plan.plan(a, b, out);
    } catch (IllegalArgumentException e) {
      throw badShape(e.getMessage());
    }
  }

  @Override
  public void run() {
    MemorySegment as = a.data;
    MemorySegment bs = b.data;
    MemorySegment os = out.data;
    boolean f32 = a.type == XnnDatatype.FP32 && b.type == XnnDatatype.FP32 && out.type == XnnDatatype.FP32;
    int inner = plan.inner;
    long oi = 0;
    for (long row = 0; row < plan.rows; row++, oi += inner) {
      long ai = plan.aOffset(row);
      long bi = plan.bOffset(row);
      if (f32) {
        rowF32(as, ai, bs, bi, os, oi);
      } else {
        rowGeneric(as, ai, bs, bi, os, oi);
      }
    }
    if (clamps && f32) {
      pointwise.clamp(os, min, max, os, out.numel());
    }
  }

  private void rowF32(MemorySegment as, long ai, MemorySegment bs, long bi, MemorySegment os, long oi) {
    int n = plan.inner;
    long aInnerStride = plan.aInner;
    long bInnerStride = plan.bInner;
    if (aInnerStride == 1 && bInnerStride == 1) {
      switch (kind) {
        case ADD -> {
          pointwise.add(as, ai, bs, bi, 1f, os, oi, n);
          return;
        }
        case SUBTRACT -> {
          pointwise.sub(as, ai, bs, bi, 1f, os, oi, n);
          return;
        }
        case MULTIPLY -> {
          pointwise.mul(as, ai, bs, bi, os, oi, n);
          return;
        }
        case DIV -> {
          pointwise.div(as, ai, bs, bi, os, oi, n);
          return;
        }
        default -> {}
      }
    } else if (aInnerStride == 1 && bInnerStride == 0) {
      float s = bs.getAtIndex(Floats.F32, bi);
      switch (kind) {
        case ADD -> {
          pointwise.addScalar(as, ai, s, os, oi, n);
          return;
        }
        case SUBTRACT -> {
          // a - s and a + (-s) round identically: negation is exact.
          pointwise.addScalar(as, ai, -s, os, oi, n);
          return;
        }
        case MULTIPLY -> {
          pointwise.mulScalar(as, ai, s, os, oi, n);
          return;
        }
        case DIV -> {
          pointwise.divScalar(as, ai, s, os, oi, n);
          return;
        }
        default -> {}
      }
    } else if (aInnerStride == 0 && bInnerStride == 1) {
      float s = as.getAtIndex(Floats.F32, ai);
      switch (kind) {
        case ADD -> {
          pointwise.addScalar(bs, bi, s, os, oi, n);
          return;
        }
        case MULTIPLY -> {
          pointwise.mulScalar(bs, bi, s, os, oi, n);
          return;
        }
        default -> {}
      }
    }
    rowGeneric(as, ai, bs, bi, os, oi);
  }

  private void rowGeneric(MemorySegment as, long ai, MemorySegment bs, long bi, MemorySegment os, long oi) {
    XnnDatatype ta = a.type;
    XnnDatatype tb = b.type;
    XnnDatatype to = out.type;
    for (int i = 0; i < plan.inner; i++) {
      float x = Floats.get(ta, as, ai + i * plan.aInner);
      float y = Floats.get(tb, bs, bi + i * plan.bInner);
      float v = switch (kind) {
        case ADD -> x + y;
        case SUBTRACT -> x - y;
        case MULTIPLY -> x * y;
        case DIV -> x / y;
        case MINIMUM -> Math.min(x, y);
        case MAXIMUM -> Math.max(x, y);
        case PRELU -> x < 0 ? x * y : x;
        default -> throw new IllegalStateException(kind.toString());
      };
      if (clamps) {
        v = Floats.clamp(v, min, max);
      }
      Floats.set(to, os, oi + i, v);
    }
  }
}
