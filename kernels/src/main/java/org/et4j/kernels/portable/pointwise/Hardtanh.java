package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::hardtanh.out(self, min_val, max_val, *, out)}: ExecuTorch's
 * {@code op_hardtanh.cpp}, {@code min(max(x, min_val), max_val)} in the tensor's dtype; the bounds
 * must fit that dtype.
 */
public final class Hardtanh {
  static final String OUT = "aten::hardtanh.out";

  private Hardtanh() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Hardtanh::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 4);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    Value min = KernelChecks.scalar(OUT, args, 1);
    Value max = KernelChecks.scalar(OUT, args, 2);
    TensorImpl out = KernelChecks.tensor(OUT, args, 3);
    KernelChecks.sameDimOrder(OUT, in, out);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.dtype(OUT, "input", in, DtypeRules.isRealHBF16(in.dtype()));
    PointwiseSupport.scalarFits(OUT, "min_val", min, in.dtype());
    PointwiseSupport.scalarFits(OUT, "max_val", max, in.dtype());
    ScalarType compute = DtypeRules.computeType(in.dtype());
    UnaryOp f;
    boolean fast;
    float lo32;
    float hi32;
    if (compute.isFloatingPoint()) {
      // The bounds are cast to the tensor's dtype first.
      double lo = castBound(min, in.dtype());
      double hi = castBound(max, in.dtype());
      f = UnaryOp.ofDouble(x -> PointwiseSupport.minOverride(PointwiseSupport.maxOverride(x, lo), hi));
      fast = in.dtype() == ScalarType.FLOAT && !Double.isNaN(lo) && !Double.isNaN(hi);
      lo32 = (float) lo;
      hi32 = (float) hi;
    } else {
      long lo = DtypeRules.scalarAsLong(min, compute);
      long hi = DtypeRules.scalarAsLong(max, compute);
      f = UnaryOp.ofLong(x -> Math.min(Math.max(x, lo), hi));
      fast = false;
      lo32 = 0;
      hi32 = 0;
    }
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in);
    return ctx -> {
      it.resizeOutLike(0);
      if (fast && it.isFlat()) {
        FloatPointwise.instance().clamp(in.data(), lo32, hi32, out.data(), it.numel());
      } else {
        ElementwiseLoops.unary(it, compute, f);
      }
    };
  }

  /** A Scalar as a value of floating dtype {@code t} (rounded to float16/bfloat16/float32). */
  static double castBound(Value s, ScalarType t) {
    double v = s.isInt() ? (double) s.toInt() : s.scalarToDouble();
    return switch (t) {
      case HALF -> Float.float16ToFloat(Float.floatToFloat16(s.isInt() ? (float) s.toInt() : (float) v));
      case BFLOAT16 -> Elements.bf16ToFloat(Elements.floatToBf16(s.isInt() ? (float) s.toInt() : (float) v));
      case FLOAT -> s.isInt() ? (float) s.toInt() : (float) v;
      default -> v;
    };
  }
}
