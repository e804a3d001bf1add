package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::argmax.out(Tensor self, int? dim=None, bool keepdim=False, *, Tensor(a!) out)}: the
 * int64 index of the largest element (of the first NaN, if any), as ExecuTorch's
 * {@code op_argmax.cpp}. See {@link ArgReduction}.
 */
public final class ArgmaxOp {
  static final String NAME = "aten::argmax.out";

  private ArgmaxOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> ArgReduction.bind(NAME, args, true));
  }
}
