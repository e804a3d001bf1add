package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::amin.out(Tensor self, int[1] dim=[], bool keepdim=False, *, Tensor(a!) out)}: the
 * smallest element over the dims (all when empty), as ExecuTorch's {@code op_amin.cpp}; NaN
 * propagates. See {@link Extrema}.
 */
public final class AminOp {
  static final String NAME = "aten::amin.out";

  private AminOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> Extrema.bind(NAME, args, false));
  }
}
