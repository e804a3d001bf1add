package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::floor_divide.out}: ExecuTorch's {@code op_floor_divide.cpp}, division rounded
 * toward negative infinity in the promoted type (ExecuTorch's {@code utils::floor_divide}); integer
 * division by zero is InvalidArgument.
 */
public final class FloorDivide {
  static final String OUT = "aten::floor_divide.out";

  private FloorDivide() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(FloorDivide::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl a = KernelChecks.tensor(OUT, args, 0);
    TensorImpl b = KernelChecks.tensor(OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    PointwiseSupport.realHBBF16(OUT, a, b);
    Remainder.checkCommon(OUT, common, out);
    KernelChecks.sameDimOrder(OUT, a, b, out);
    ScalarType compute = DtypeRules.computeType(common);
    return PointwiseSupport.binary(OUT, a, b, out, compute, Div.roundingDivide(OUT, compute, false));
  }
}
