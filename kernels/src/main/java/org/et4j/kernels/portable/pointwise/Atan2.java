package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::atan2.out}: ExecuTorch's {@code op_atan2.cpp}, computed in the floating promoted
 * type (float32 when both inputs are integral) into a floating out.
 */
public final class Atan2 {
  static final String OUT = "aten::atan2.out";
  private static final BinaryOp ATAN2 = BinaryOp.ofDouble(Math::atan2);

  private Atan2() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Atan2::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl a = KernelChecks.tensor(OUT, args, 0);
    TensorImpl b = KernelChecks.tensor(OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    ScalarType common = Div.floatCommonType(a.dtype(), b.dtype());
    PointwiseSupport.realHBBF16(OUT, a, b);
    KernelChecks.dtype(OUT, "out", out, out.dtype().isFloatingPoint());
    KernelChecks.sameDimOrder(OUT, a, b, out);
    return PointwiseSupport.binary(OUT, a, b, out, DtypeRules.computeType(common), ATAN2);
  }
}
