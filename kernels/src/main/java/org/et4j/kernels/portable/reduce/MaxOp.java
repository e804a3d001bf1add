package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::max.dim_max(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) max, Tensor(b!)
 * max_indices)} and {@code aten::max.unary_out(Tensor self, *, Tensor(a!) out)}: the largest
 * element along a dim with its index, or of the whole tensor, as ExecuTorch's {@code op_max.cpp}.
 * See {@link MinMax}.
 */
public final class MaxOp {
  static final String DIM_NAME = "aten::max.dim_max";
  static final String UNARY_NAME = "aten::max.unary_out";

  private MaxOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(DIM_NAME, args -> MinMax.bindDim(DIM_NAME, args, true));
    r.register(UNARY_NAME, args -> MinMax.bindUnary(UNARY_NAME, args, true));
  }
}
