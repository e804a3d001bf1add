package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::add.out(self, other, *, alpha, out)} and {@code aten::add.Scalar_out}: ExecuTorch's
 * {@code op_add.cpp}. {@code out = self + alpha * other}, computed in the promoted type (float32
 * for half types).
 */
public final class Add {
  static final String OUT = "aten::add.out";
  static final String SCALAR_OUT = "aten::add.Scalar_out";

  private Add() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Add::bindTensor));
    r.register(SCALAR_OUT, RebindingCall.wrap(Add::bindScalar));
  }

  /** {@code check_alpha_type}: alpha casts to the common type, or is integral/bool for bool. */
  static void checkAlpha(String op, Value alpha, ScalarType common) {
    ScalarType at = DtypeRules.scalarDtype(alpha);
    KernelChecks.check(
        DtypeRules.canCast(at, common) || (common == ScalarType.BOOL && !at.isFloatingPoint()),
        op,
        "alpha " + alpha + " does not cast to " + common.displayName());
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
    PointwiseSupport.realHBBF16(OUT, a, b, out);
    KernelChecks.canCast(OUT, common, out);
    checkAlpha(OUT, alpha, common);
    KernelChecks.sameDimOrder(OUT, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    PointwiseSupport.extractableScalar(OUT, "alpha", alpha, compute);
    BinaryOp f = addOp(compute, alpha);
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, a, b);
    boolean f32 = PointwiseSupport.allFloat(a, b, out);
    float alphaF = (float) DtypeRules.scalarAsDouble(alpha, ScalarType.FLOAT);
    return ctx -> {
      it.resizeOutToBroadcast();
      if (f32 && it.numel() > 0) {
        if (it.isFlat()) {
          FloatPointwise.instance().add(a.data(), b.data(), alphaF, out.data(), it.numel());
          return;
        }
        if (b.numel() == 1 && a.numel() == it.numel() && a.isContiguous() && out.isContiguous()) {
          float s = alphaF * b.data().getAtIndex(Elements.F32, 0);
          FloatPointwise.instance().addScalar(a.data(), s, out.data(), it.numel());
          return;
        }
      }
      if (f32 && FloatBroadcastRows.tryBinary(it, FloatBroadcastRows.Kind.ADD, alphaF)) {
        return;
      }
      ElementwiseLoops.binary(it, compute, f);
    };
  }

  /** {@code a + alpha * b} in the compute type (float32 arithmetic for float32). */
  static BinaryOp addOp(ScalarType compute, Value alpha) {
    if (compute == ScalarType.FLOAT) {
      float al = (float) DtypeRules.scalarAsDouble(alpha, compute);
      return new BinaryOp() {
        @Override
        public double applyAsDouble(double x, double y) {
          return (float) x + al * (float) y;
        }
      };
    }
    if (compute.isFloatingPoint()) {
      double al = DtypeRules.scalarAsDouble(alpha, compute);
      return new BinaryOp() {
        @Override
        public double applyAsDouble(double x, double y) {
          return x + al * y;
        }
      };
    }
    long al = DtypeRules.scalarAsLong(alpha, compute);
    return new BinaryOp() {
      @Override
      public long applyAsLong(long x, long y) {
        return x + al * y;
      }
    };
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
    PointwiseSupport.realHBBF16(SCALAR_OUT, a, out);
    KernelChecks.outDtype(SCALAR_OUT, common, out);
    checkAlpha(SCALAR_OUT, alpha, common);
    KernelChecks.sameDimOrder(SCALAR_OUT, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    PointwiseSupport.extractableScalar(SCALAR_OUT, "alpha", alpha, compute);
    UnaryOp f;
    if (compute.isFloatingPoint()) {
      double s =
          DtypeRules.round(
              compute,
              DtypeRules.scalarAsDouble(alpha, compute) * DtypeRules.scalarAsDouble(b, compute));
      f =
          new UnaryOp() {
            @Override
            public double applyAsDouble(double x) {
              return x + s;
            }
          };
      if (PointwiseSupport.allFloat(a, out)) {
        BroadcastIndexes it = BroadcastIndexes.of(SCALAR_OUT, out, a);
        float sf = (float) s;
        return ctx -> {
          it.resizeOutLike(0);
          if (it.isFlat()) {
            FloatPointwise.instance().addScalar(a.data(), sf, out.data(), it.numel());
          } else {
            ElementwiseLoops.unary(it, compute, f);
          }
        };
      }
    } else {
      long s =
          DtypeRules.wrap(
              compute, DtypeRules.scalarAsLong(alpha, compute) * DtypeRules.scalarAsLong(b, compute));
      f =
          new UnaryOp() {
            @Override
            public long applyAsLong(long x) {
              return x + s;
            }
          };
    }
    return PointwiseSupport.unary(SCALAR_OUT, a, out, compute, f);
  }
}
