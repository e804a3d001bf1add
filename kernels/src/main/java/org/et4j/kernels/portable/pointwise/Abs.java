package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::abs.out}: ExecuTorch's {@code op_abs.cpp}, {@code x < 0 ? -x : x}, so abs(-0.0) is
 * -0.0 and abs(MIN) wraps to MIN, as there.
 */
public final class Abs {
  static final String OUT = "aten::abs.out";
  private static final UnaryOp ABS = UnaryOp.of(x -> x < 0 ? -x : x, x -> x < 0 ? -x : x);

  private Abs() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(args -> PointwiseSupport.sameDtypeUnary(OUT, args, DtypeRules::isRealHBF16, ABS)));
  }
}
