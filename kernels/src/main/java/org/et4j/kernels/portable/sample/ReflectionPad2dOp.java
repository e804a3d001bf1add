package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::reflection_pad2d.out(Tensor self, SymInt[4] padding, *, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_reflection_pad2d.cpp}; see {@link PaddingNd} for the rules.
 */
public final class ReflectionPad2dOp {
  static final String OP = "aten::reflection_pad2d.out";

  private ReflectionPad2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, PaddingNd.kernel(OP, 2, true));
  }
}
