package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::rsub.Scalar_out(self, other, alpha, *, out)}: ExecuTorch's {@code op_rsub.cpp},
 * {@code out = other - alpha * self}.
 */
public final class Rsub {
  static final String SCALAR_OUT = "aten::rsub.Scalar_out";

  private Rsub() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(SCALAR_OUT, RebindingCall.wrap(Rsub::bind));
  }

  static KernelCall bind(Value[] args) {
    String op = SCALAR_OUT;
    KernelChecks.argCount(op, args, 4);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    Value alpha = KernelChecks.scalar(op, args, 2);
    TensorImpl out = KernelChecks.tensor(op, args, 3);
    // Common dtype
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    // Checks
    Sub.realHBF16(op, a);
    KernelChecks.outDtype(op, common, out);
    Sub.checkAlpha(op, alpha, common);
    KernelChecks.sameDimOrder(op, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    KernelChecks.check(compute != ScalarType.BOOL, op, "bool is not supported");
    UnaryOp f;
    if (compute == ScalarType.FLOAT) {
      float vb = (float) DtypeRules.scalarAsDouble(b, compute);
      float al = (float) DtypeRules.scalarAsDouble(alpha, compute);
      f = UnaryOp.ofDouble(x -> vb - al * (float) x);
    } else if (compute.isFloatingPoint()) {
      double vb = DtypeRules.scalarAsDouble(b, compute);
      double al = DtypeRules.scalarAsDouble(alpha, compute);
      f = UnaryOp.ofDouble(x -> vb - al * x);
    } else {
      long vb = DtypeRules.scalarAsLong(b, compute);
      long al = DtypeRules.scalarAsLong(alpha, compute);
      f = UnaryOp.ofLong(x -> vb - al * x);
    }
    return PointwiseSupport.unary(op, a, out, compute, f);
  }
}
