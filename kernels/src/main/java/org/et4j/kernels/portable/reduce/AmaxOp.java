package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::amax.out(Tensor self, int[1] dim=[], bool keepdim=False, *, Tensor(a!) out)}: the
 * largest element over the dims (all when empty), as ExecuTorch's {@code op_amax.cpp}; NaN
 * propagates. See {@link Extrema}.
 */
public final class AmaxOp {
  static final String NAME = "aten::amax.out";

  private AmaxOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> Extrema.bind(NAME, args, true));
  }
}
