package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::sub.out(self, other, *, alpha, out)} and {@code aten::sub.Scalar_out}: ExecuTorch's
 * {@code op_sub.cpp}. {@code out = self - alpha * other}; bool tensors and a bool alpha are
 * rejected.
 */
public final class Sub {
  static final String OUT = "aten::sub.out";
  static final String SCALAR_OUT = "aten::sub.Scalar_out";

  private Sub() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Sub::bindTensor));
    r.register(SCALAR_OUT, RebindingCall.wrap(Sub::bindScalar));
  }

  static void checkAlpha(String op, Value alpha, ScalarType common) {
    ScalarType at = DtypeRules.scalarDtype(alpha);
    KernelChecks.check(at != ScalarType.BOOL, op, "alpha cannot be a bool");
    KernelChecks.check(
        DtypeRules.canCast(at, common), op, "alpha " + alpha + " does not cast to " + common.displayName());
  }

  static void realHBF16(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      KernelChecks.dtype(op, "tensor", t, DtypeRules.isRealHBF16(t.dtype()));
    }
  }

  static KernelCall bindTensor(Value[] args) {
    KernelChecks.argCount(OUT, args, 4);
    TensorImpl a = KernelChecks.tensor(OUT, args, 0);
    TensorImpl b = KernelChecks.tensor(OUT, args, 1);
    Value alpha = KernelChecks.scalar(OUT, args, 2);
    TensorImpl out = KernelChecks.tensor(OUT, args, 3);
    // Common dtype
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    // Checks
    realHBF16(OUT, a, b, out);
    KernelChecks.canCast(OUT, common, out);
    checkAlpha(OUT, alpha, common);
    KernelChecks.sameDimOrder(OUT, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    BinaryOp f = subOp(compute, alpha);
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, a, b);
    boolean f32 = PointwiseSupport.allFloat(a, b, out);
    float alphaF = (float) DtypeRules.scalarAsDouble(alpha, ScalarType.FLOAT);
    return ctx -> {
      it.resizeOutToBroadcast();
      if (f32 && it.numel() > 0) {
        if (it.isFlat()) {
          FloatPointwise.instance().sub(a.data(), b.data(), alphaF, out.data(), it.numel());
          return;
        }
        if (b.numel() == 1 && a.numel() == it.numel() && a.isContiguous() && out.isContiguous()) {
          // a - x and a + (-x) are the same IEEE operation.
          float s = -(alphaF * b.data().getAtIndex(Elements.F32, 0));
          FloatPointwise.instance().addScalar(a.data(), s, out.data(), it.numel());
          return;
        }
      }
      if (f32 && FloatBroadcastRows.tryBinary(it, FloatBroadcastRows.Kind.SUB, alphaF)) {
        return;
      }
      ElementwiseLoops.binary(it, compute, f);
    };
  }

  static BinaryOp subOp(ScalarType compute, Value alpha) {
    if (compute == ScalarType.FLOAT) {
      float al = (float) DtypeRules.scalarAsDouble(alpha, compute);
      return BinaryOp.ofDouble((x, y) -> (float) x - al * (float) y);
    }
    if (compute.isFloatingPoint()) {
      double al = DtypeRules.scalarAsDouble(alpha, compute);
      return BinaryOp.ofDouble((x, y) -> x - al * y);
    }
    long al = DtypeRules.scalarAsLong(alpha, compute);
    return BinaryOp.ofLong((x, y) -> x - al * y);
  }

  static KernelCall bindScalar(Value[] args) {
    KernelChecks.argCount(SCALAR_OUT, args, 4);
    TensorImpl a = KernelChecks.tensor(SCALAR_OUT, args, 0);
    Value b = KernelChecks.scalar(SCALAR_OUT, args, 1);
    Value alpha = KernelChecks.scalar(SCALAR_OUT, args, 2);
    TensorImpl out = KernelChecks.tensor(SCALAR_OUT, args, 3);
    // Common dtype
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    // Checks
    realHBF16(SCALAR_OUT, a);
    KernelChecks.outDtype(SCALAR_OUT, common, out);
    checkAlpha(SCALAR_OUT, alpha, common);
    KernelChecks.sameDimOrder(SCALAR_OUT, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    KernelChecks.check(compute != ScalarType.BOOL, SCALAR_OUT, "bool is not supported");
    if (compute.isFloatingPoint()) {
      double s =
          DtypeRules.round(
              compute,
              DtypeRules.scalarAsDouble(alpha, compute) * DtypeRules.scalarAsDouble(b, compute));
      if (PointwiseSupport.allFloat(a, out)) {
        BroadcastIndexes it = BroadcastIndexes.of(SCALAR_OUT, out, a);
        UnaryOp f = UnaryOp.ofDouble(x -> x - s);
        float neg = (float) -s;
        return ctx -> {
          it.resizeOutLike(0);
          if (it.isFlat()) {
            FloatPointwise.instance().addScalar(a.data(), neg, out.data(), it.numel());
          } else {
            ElementwiseLoops.unary(it, compute, f);
          }
        };
      }
      return PointwiseSupport.unary(SCALAR_OUT, a, out, compute, UnaryOp.ofDouble(x -> x - s));
    }
    long s =
        DtypeRules.wrap(
            compute, DtypeRules.scalarAsLong(alpha, compute) * DtypeRules.scalarAsLong(b, compute));
    return PointwiseSupport.unary(SCALAR_OUT, a, out, compute, UnaryOp.ofLong(x -> x - s));
  }
}
