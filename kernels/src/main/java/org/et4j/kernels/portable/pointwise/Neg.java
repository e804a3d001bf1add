package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::neg.out}: ExecuTorch's {@code op_neg.cpp}; integers wrap (-MIN == MIN). */
public final class Neg {
  static final String OUT = "aten::neg.out";
  private static final UnaryOp NEG = UnaryOp.of(x -> -x, x -> -x);

  private Neg() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(args -> PointwiseSupport.sameDtypeUnary(OUT, args, DtypeRules::isRealHBF16, NEG)));
  }
}
