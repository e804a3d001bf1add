package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::logical_not.out}, {@code logical_and.out}, {@code logical_or.out} and
 * {@code logical_xor.out}: ExecuTorch's {@code op_logical_*.cpp} over
 * {@code pattern/logical_op.h}. Inputs of any real or bool dtype are read as bools (non-zero,
 * NaN included, is true); the 1/0 result is written into any real or bool out.
 */
public final class LogicalOps {
  private LogicalOps() {}

  public static void register(KernelRegistry.Builder r) {
    r.register("aten::logical_not.out", RebindingCall.wrap(LogicalOps::bindNot));
    binary(r, "aten::logical_and.out", BinaryOp.ofLong((a, b) -> a & b));
    binary(r, "aten::logical_or.out", BinaryOp.ofLong((a, b) -> a | b));
    binary(r, "aten::logical_xor.out", BinaryOp.ofLong((a, b) -> a ^ b));
  }

  static void binary(KernelRegistry.Builder r, String op, BinaryOp f) {
    r.register(
        op,
        RebindingCall.wrap(args -> {
          KernelChecks.argCount(op, args, 3);
          TensorImpl a = KernelChecks.tensor(op, args, 0);
          TensorImpl b = KernelChecks.tensor(op, args, 1);
          TensorImpl out = KernelChecks.tensor(op, args, 2);
          PointwiseSupport.realHBBF16(op, a, b, out);
          KernelChecks.sameDimOrder(op, a, b, out);
          return PointwiseSupport.binary(op, a, b, out, ScalarType.BOOL, f);
        }));
  }

  static KernelCall bindNot(Value[] args) {
    String op = "aten::logical_not.out";
    KernelChecks.argCount(op, args, 2);
    TensorImpl in = KernelChecks.tensor(op, args, 0);
    TensorImpl out = KernelChecks.tensor(op, args, 1);
    PointwiseSupport.realHBBF16(op, in, out);
    KernelChecks.sameDimOrder(op, in, out);
    return PointwiseSupport.unary(op, in, out, ScalarType.BOOL, UnaryOp.ofLong(x -> x ^ 1));
  }
}
