package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::_softmax.out(Tensor self, int dim, bool half_to_float, *, Tensor(a!) out)}, numerically
 * stable, as ExecuTorch's {@code op_softmax.cpp}. See {@link Softmax}.
 */
public final class SoftmaxOp {
  static final String NAME = "aten::_softmax.out";

  private SoftmaxOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> Softmax.bind(NAME, args, false));
  }
}
