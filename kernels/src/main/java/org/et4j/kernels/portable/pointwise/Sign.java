package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::sign.out}: ExecuTorch's {@code op_sign.cpp}; sign(NaN) is NaN, bool is copied. */
public final class Sign {
  static final String OUT = "aten::sign.out";
  private static final UnaryOp SIGN =
      UnaryOp.of(
          x -> Double.isNaN(x) ? x : (x > 0 ? 1.0 : 0.0) - (x < 0 ? 1.0 : 0.0),
          x -> Long.signum(x));

  private Sign() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(args -> PointwiseSupport.sameDtypeUnary(OUT, args, DtypeRules::isRealHBBF16, SIGN)));
  }
}
