package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::argmin.out(Tensor self, int? dim=None, bool keepdim=False, *, Tensor(a!) out)}: the
 * int64 index of the smallest element (of the first NaN, if any), as ExecuTorch's
 * {@code op_argmin.cpp}. See {@link ArgReduction}.
 */
public final class ArgminOp {
  static final String NAME = "aten::argmin.out";

  private ArgminOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> ArgReduction.bind(NAME, args, false));
  }
}
