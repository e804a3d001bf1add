package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
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
 * {@code aten::fmod.Tensor_out} and {@code fmod.Scalar_out}: ExecuTorch's {@code op_fmod.cpp}, C's
 * {@code fmod} (the sign of the dividend) computed in float32 for float32/half types and in
 * float64 otherwise. An integer divisor of zero is InvalidArgument for both overloads (ExecuTorch
 * checks this for the Scalar overload; for the Tensor overload its check is unreachable and the
 * NaN result is cast to the integer out, which is undefined behaviour in C++).
 */
public final class Fmod {
  static final String TENSOR_OUT = "aten::fmod.Tensor_out";
  static final String SCALAR_OUT = "aten::fmod.Scalar_out";

  private static final BinaryOp FMOD = BinaryOp.ofDouble((a, b) -> a % b);

  private Fmod() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(TENSOR_OUT, RebindingCall.wrap(Fmod::bindTensor));
    r.register(SCALAR_OUT, RebindingCall.wrap(Fmod::bindScalar));
  }

  static ScalarType compute(ScalarType common) {
    return DtypeRules.computeType(common) == ScalarType.FLOAT ? ScalarType.FLOAT : ScalarType.DOUBLE;
  }

  static KernelCall bindTensor(Value[] args) {
    String op = TENSOR_OUT;
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    TensorImpl b = KernelChecks.tensor(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    PointwiseSupport.realHBBF16(op, a, b);
    Remainder.checkCommon(op, common, out);
    KernelChecks.sameDimOrder(op, a, b, out);
    ScalarType compute = compute(common);
    if (common.isFloatingPoint()) {
      return PointwiseSupport.binary(op, a, b, out, compute, FMOD);
    }
    BinaryOp checked =
        BinaryOp.ofDouble(
            (x, y) -> {
              if (y == 0) {
                throw PointwiseSupport.divisionByZero(op);
              }
              return x % y;
            });
    BroadcastIndexes it = BroadcastIndexes.of(op, out, a, b);
    return ctx -> {
      it.resizeOutToBroadcast();
      ElementwiseLoops.binary(it, compute, checked);
    };
  }

  static KernelCall bindScalar(Value[] args) {
    String op = SCALAR_OUT;
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    PointwiseSupport.realHBBF16(op, a);
    Remainder.checkCommon(op, common, out);
    KernelChecks.check(
        common.isFloatingPoint() || b.scalarToDouble() != 0, op, "integer division by zero");
    KernelChecks.sameDimOrder(op, a, out);
    ScalarType compute = compute(common);
    double s = DtypeRules.scalarAsDouble(b, compute);
    return PointwiseSupport.unary(op, a, out, compute, UnaryOp.ofDouble(x -> x % s));
  }
}
