package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
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
 * {@code aten::remainder.Tensor_out} and {@code remainder.Scalar_out}: ExecuTorch's
 * {@code op_remainder.cpp} with its {@code remainder_override}. Floats follow Python's sign rule
 * ({@code fmod}, then {@code + b} when the signs differ), with ExecuTorch's rounding of the
 * {@code fmod} result to float32 even for float64. Integers use C's {@code %} (the sign of the
 * dividend), exactly as ExecuTorch does; division by zero is InvalidArgument.
 */
public final class Remainder {
  static final String TENSOR_OUT = "aten::remainder.Tensor_out";
  static final String SCALAR_OUT = "aten::remainder.Scalar_out";

  private Remainder() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(TENSOR_OUT, RebindingCall.wrap(Remainder::bindTensor));
    r.register(SCALAR_OUT, RebindingCall.wrap(Remainder::bindScalar));
  }

  static double remainder(double a, double b, boolean f32) {
    float rem = (float) (a % b);
    if (((a < 0) ^ (b < 0)) && rem != 0) {
      return f32 ? rem + (float) b : rem + b;
    }
    return rem;
  }

  static BinaryOp op(String op, ScalarType compute) {
    boolean f32 = compute == ScalarType.FLOAT;
    return BinaryOp.of(
        (a, b) -> remainder(a, b, f32),
        (a, b) -> {
          if (b == 0) {
            throw PointwiseSupport.divisionByZero(op);
          }
          return a % b;
        });
  }

  static void checkCommon(String op, ScalarType common, TensorImpl out) {
    KernelChecks.canCast(op, common, out);
    KernelChecks.check(common != ScalarType.BOOL, op, "bool inputs are not supported");
    KernelChecks.dtype(op, "out", out, DtypeRules.isRealHBF16(out.dtype()));
  }

  static KernelCall bindTensor(Value[] args) {
    String op = TENSOR_OUT;
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    TensorImpl b = KernelChecks.tensor(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    PointwiseSupport.realHBBF16(op, a, b);
    checkCommon(op, common, out);
    KernelChecks.sameDimOrder(op, a, b, out);
    ScalarType compute = DtypeRules.computeType(common);
    return PointwiseSupport.binary(op, a, b, out, compute, op(op, compute));
  }

  static KernelCall bindScalar(Value[] args) {
    String op = SCALAR_OUT;
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    PointwiseSupport.realHBBF16(op, a);
    checkCommon(op, common, out);
    KernelChecks.check(
        common.isFloatingPoint() || b.scalarToDouble() != 0, op, "integer division by zero");
    KernelChecks.sameDimOrder(op, a, out);
    ScalarType compute = DtypeRules.computeType(common);
    BinaryOp g = op(op, compute);
    UnaryOp f;
    if (compute.isFloatingPoint()) {
      double s = DtypeRules.scalarAsDouble(b, compute);
      f = UnaryOp.ofDouble(x -> g.applyAsDouble(x, s));
    } else {
      long s = DtypeRules.scalarAsLong(b, compute);
      f = UnaryOp.ofLong(x -> g.applyAsLong(x, s));
    }
    return PointwiseSupport.unary(op, a, out, compute, f);
  }
}
