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
  // Broadcast plan, rebuilt by reshape: output rows of the innermost dim, each with the element
  // offsets of a and b; the inner strides are 0 (broadcast) or 1.
  private final int[] outDims;
  private final long[] aStrides;
  private final long[] bStrides;
  private long rows;
  private int inner;
  private long aInnerStride;
  private long bInnerStride;

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
    outDims = new int[r];
    aStrides = new long[r];
    bStrides = new long[r];
  }

  @Override
  public void reshape() {
    int r = out.rank();
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
    // Merge trailing dims where both inputs are contiguous (or both broadcast) into one row.
    inner = r == 0 ? 1 : outDims[r - 1];
    aInnerStride = r == 0 ? 0 : aStrides[r - 1];
    bInnerStride = r == 0 ? 0 : bStrides[r - 1];
    long n = out.numel();
    if (a.numel() == n && b.numel() == n) {
      inner = (int) Math.min(Integer.MAX_VALUE, n);
      aInnerStride = 1;
      bInnerStride = 1;
    } else if (b.numel() == 1) {
      inner = (int) Math.min(Integer.MAX_VALUE, n);
      aInnerStride = 1;
      bInnerStride = 0;
    } else if (a.numel() == 1) {
      inner = (int) Math.min(Integer.MAX_VALUE, n);
      aInnerStride = 0;
      bInnerStride = 1;
    }
    rows = inner == 0 ? 0 : n / inner;
  }

  @Override
  public void run() {
    MemorySegment as = a.data;
    MemorySegment bs = b.data;
    MemorySegment os = out.data;
    boolean f32 = a.type == XnnDatatype.FP32 && b.type == XnnDatatype.FP32 && out.type == XnnDatatype.FP32;
    int r = out.rank();
    long oi = 0;
    for (long row = 0; row < rows; row++, oi += inner) {
      long ai;
      long bi;
      if (rows == 1) {
        ai = 0;
        bi = 0;
      } else {
        // Offsets of this row's first element: decompose the row index over the outer dims.
        long rem = row;
        ai = 0;
        bi = 0;
        for (int d = r - 2; d >= 0; d--) {
          int size = outDims[d];
          long c = rem % size;
          rem /= size;
          ai += c * aStrides[d];
          bi += c * bStrides[d];
        }
      }
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
    int n = inner;
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
    for (int i = 0; i < inner; i++) {
      float x = Floats.get(ta, as, ai + i * aInnerStride);
      float y = Floats.get(tb, bs, bi + i * bInnerStride);
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
