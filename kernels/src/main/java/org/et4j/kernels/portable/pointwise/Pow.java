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
 * {@code aten::pow.Tensor_Tensor_out}, {@code pow.Tensor_Scalar_out} and {@code pow.Scalar_out}:
 * ExecuTorch's {@code op_pow.cpp}. Computes in float32 when the promoted type is a float32 or half
 * type and in float64 otherwise, integers included (the result is then truncated into an
 * integer out).
 */
public final class Pow {
  static final String TT = "aten::pow.Tensor_Tensor_out";
  static final String TS = "aten::pow.Tensor_Scalar_out";
  static final String ST = "aten::pow.Scalar_out";

  static final BinaryOp POW = BinaryOp.ofDouble(Pow::cPow);

  private Pow() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(TT, RebindingCall.wrap(Pow::bindTensorTensor));
    r.register(TS, RebindingCall.wrap(Pow::bindTensorScalar));
    r.register(ST, RebindingCall.wrap(Pow::bindScalarTensor));
  }

  /** C's {@code pow}: like {@link Math#pow} except that 1^y and (-1)^±inf are 1. */
  static double cPow(double x, double y) {
    if (x == 1.0 || (x == -1.0 && Double.isInfinite(y))) {
      return 1.0;
    }
    return Math.pow(x, y);
  }

  static ScalarType compute(ScalarType common) {
    return DtypeRules.computeType(common) == ScalarType.FLOAT ? ScalarType.FLOAT : ScalarType.DOUBLE;
  }

  static void checkCommon(String op, ScalarType common, TensorImpl out) {
    KernelChecks.canCast(op, common, out);
    KernelChecks.check(common != ScalarType.BOOL, op, "bool inputs are not supported");
    KernelChecks.dtype(op, "out", out, DtypeRules.isRealHBF16(out.dtype()));
  }

  static KernelCall bindTensorTensor(Value[] args) {
    KernelChecks.argCount(TT, args, 3);
    TensorImpl a = KernelChecks.tensor(TT, args, 0);
    TensorImpl b = KernelChecks.tensor(TT, args, 1);
    TensorImpl out = KernelChecks.tensor(TT, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    PointwiseSupport.realHBBF16(TT, a, b);
    checkCommon(TT, common, out);
    KernelChecks.sameDimOrder(TT, a, b, out);
    return PointwiseSupport.binary(TT, a, b, out, compute(common), POW);
  }

  static KernelCall bindTensorScalar(Value[] args) {
    KernelChecks.argCount(TS, args, 3);
    TensorImpl a = KernelChecks.tensor(TS, args, 0);
    Value b = KernelChecks.scalar(TS, args, 1);
    TensorImpl out = KernelChecks.tensor(TS, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    PointwiseSupport.realHBBF16(TS, a);
    checkCommon(TS, common, out);
    KernelChecks.sameDimOrder(TS, a, out);
    ScalarType compute = compute(common);
    double e = DtypeRules.scalarAsDouble(b, compute);
    if (e == 2.0) {
      // pow(x, 2) is x * x exactly (both correctly rounded): RMSNorm's square takes the float32
      // multiply fast path.
      UnaryOp square = UnaryOp.ofDouble(x -> x * x);
      if (PointwiseSupport.allFloat(a, out)) {
        BroadcastIndexes it = BroadcastIndexes.of(TS, out, a);
        return ctx -> {
          it.resizeOutLike(0);
          if (it.isFlat()) {
            FloatPointwise.instance().mul(a.data(), a.data(), out.data(), it.numel());
          } else {
            ElementwiseLoops.unary(it, compute, square);
          }
        };
      }
      return PointwiseSupport.unary(TS, a, out, compute, square);
    }
    return PointwiseSupport.unary(TS, a, out, compute, UnaryOp.ofDouble(x -> cPow(x, e)));
  }

  static KernelCall bindScalarTensor(Value[] args) {
    KernelChecks.argCount(ST, args, 3);
    Value a = KernelChecks.scalar(ST, args, 0);
    TensorImpl b = KernelChecks.tensor(ST, args, 1);
    TensorImpl out = KernelChecks.tensor(ST, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(b.dtype(), a);
    PointwiseSupport.realHBBF16(ST, b);
    checkCommon(ST, common, out);
    KernelChecks.sameDimOrder(ST, b, out);
    ScalarType compute = compute(common);
    double base = DtypeRules.scalarAsDouble(a, compute);
    return PointwiseSupport.unary(ST, b, out, compute, UnaryOp.ofDouble(y -> cPow(base, y)));
  }
}
