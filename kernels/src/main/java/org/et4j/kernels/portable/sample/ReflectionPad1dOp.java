package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::reflection_pad1d.out(Tensor self, SymInt[2] padding, *, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_reflection_pad1d.cpp}; see {@link PaddingNd} for the rules.
 */
public final class ReflectionPad1dOp {
  static final String OP = "aten::reflection_pad1d.out";

  private ReflectionPad1dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, PaddingNd.kernel(OP, 1, true));
  }
}
