package org.et4j.kernels.portable.pointwise;

import java.util.function.LongBinaryOperator;
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
 * {@code aten::bitwise_not.out} and {@code aten::bitwise_and/or/xor} ({@code .Tensor_out},
 * {@code .Scalar_out}): ExecuTorch's {@code op_bitwise_*.cpp} over {@code pattern/bitwise_op.h}.
 * Integer and bool inputs only; the promoted type must cast to out. Also
 * {@code bitwise_left_shift} / {@code bitwise_right_shift} ({@code .Tensor_out},
 * {@code .Tensor_Scalar_out}).
 */
public final class BitwiseOps {
  private BitwiseOps() {}

  public static void register(KernelRegistry.Builder r) {
    r.register("aten::bitwise_not.out", RebindingCall.wrap(BitwiseOps::bindNot));
    binary(r, "bitwise_and", (a, b) -> a & b);
    binary(r, "bitwise_or", (a, b) -> a | b);
    binary(r, "bitwise_xor", (a, b) -> a ^ b);
    // Not in portable/functions.yaml, but ExecuTorch ships the kernels (op_bitwise_*_shift.cpp).
    // Shift counts outside [0, width) are undefined behaviour in C++; here they follow Java's
    // masking of the count to 6 bits, applied to the value widened to 64 bits.
    shift(r, "bitwise_left_shift", (a, b) -> a << b);
    shift(r, "bitwise_right_shift", (a, b) -> a >> b);
  }

  static void shift(KernelRegistry.Builder r, String name, LongBinaryOperator g) {
    String tensorOp = "aten::" + name + ".Tensor_out";
    String scalarOp = "aten::" + name + ".Tensor_Scalar_out";
    r.register(tensorOp, RebindingCall.wrap(args -> bindTensor(tensorOp, args, g)));
    r.register(scalarOp, RebindingCall.wrap(args -> bindScalar(scalarOp, args, g)));
  }

  static void binary(KernelRegistry.Builder r, String name, LongBinaryOperator g) {
    String tensorOp = "aten::" + name + ".Tensor_out";
    String scalarOp = "aten::" + name + ".Scalar_out";
    r.register(tensorOp, RebindingCall.wrap(args -> bindTensor(tensorOp, args, g)));
    r.register(scalarOp, RebindingCall.wrap(args -> bindScalar(scalarOp, args, g)));
  }

  static void intB(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      KernelChecks.dtype(op, "input", t, DtypeRules.isIntB(t.dtype()));
    }
  }

  static KernelCall bindTensor(String op, Value[] args, LongBinaryOperator g) {
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    TensorImpl b = KernelChecks.tensor(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    KernelChecks.canCast(op, common, out);
    intB(op, a, b);
    PointwiseSupport.realHBBF16(op, out);
    KernelChecks.sameDimOrder(op, a, b, out);
    return PointwiseSupport.binary(op, a, b, out, common, BinaryOp.ofLong(g));
  }

  static KernelCall bindScalar(String op, Value[] args, LongBinaryOperator g) {
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    KernelChecks.canCast(op, common, out);
    KernelChecks.check(DtypeRules.isIntB(common), op, "the promoted type " + common.displayName() + " is not integral");
    intB(op, a);
    PointwiseSupport.realHBBF16(op, out);
    KernelChecks.sameDimOrder(op, a, out);
    long s = DtypeRules.scalarAsLong(b, common);
    return PointwiseSupport.unary(op, a, out, common, UnaryOp.ofLong(x -> g.applyAsLong(x, s)));
  }

  static KernelCall bindNot(Value[] args) {
    String op = "aten::bitwise_not.out";
    KernelChecks.argCount(op, args, 2);
    TensorImpl in = KernelChecks.tensor(op, args, 0);
    TensorImpl out = KernelChecks.tensor(op, args, 1);
    KernelChecks.sameDtype(op, in, out);
    KernelChecks.sameDimOrder(op, in, out);
    KernelChecks.dtype(op, "input", in, DtypeRules.isIntB(in.dtype()));
    UnaryOp f = in.dtype() == ScalarType.BOOL ? UnaryOp.ofLong(x -> x ^ 1) : UnaryOp.ofLong(x -> ~x);
    return PointwiseSupport.unary(op, in, out, in.dtype(), f);
  }
}
