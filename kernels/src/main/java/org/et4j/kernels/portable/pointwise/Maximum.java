package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::maximum.out}: ExecuTorch's {@code op_maximum.cpp}, the largest of two broadcast tensors in the
 * promoted type; a NaN operand gives NaN.
 */
public final class Maximum {
  static final String OUT = "aten::maximum.out";
  private static final BinaryOp F = BinaryOp.of(PointwiseSupport::maxOverride, Math::max);

  private Maximum() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Maximum::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl a = KernelChecks.tensor(OUT, args, 0);
    TensorImpl b = KernelChecks.tensor(OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    // Common dtype
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    // Checks
    PointwiseSupport.realHBBF16(OUT, a, b, out);
    KernelChecks.canCast(OUT, common, out);
    KernelChecks.sameDimOrder(OUT, a, b, out);
    return PointwiseSupport.binary(OUT, a, b, out, DtypeRules.computeType(common), F);
  }
}
