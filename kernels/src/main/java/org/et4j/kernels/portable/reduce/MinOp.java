package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::min.dim_min(Tensor self, int dim, bool keepdim=False, *, Tensor(a!) min, Tensor(b!)
 * min_indices)} and {@code aten::min.unary_out(Tensor self, *, Tensor(a!) out)}: the smallest
 * element along a dim with its index, or of the whole tensor, as ExecuTorch's {@code op_min.cpp}.
 * See {@link MinMax}.
 */
public final class MinOp {
  static final String DIM_NAME = "aten::min.dim_min";
  static final String UNARY_NAME = "aten::min.unary_out";

  private MinOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(DIM_NAME, args -> MinMax.bindDim(DIM_NAME, args, false));
    r.register(UNARY_NAME, args -> MinMax.bindUnary(UNARY_NAME, args, false));
  }
}
