package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::scatter_add.out(Tensor self, int dim, Tensor index, Tensor src, *, Tensor(a!)
 * out)}: out is self with {@code out[index[i][j]][j] += src[i][j]} (dim 0); repeated indices add up.
 */
public final class ScatterAdd {
  private static final String OP = "aten::scatter_add.out";

  private ScatterAdd() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ScatterOp.kernel(OP, GatherScatter.Mode.SCATTER_ADD));
  }
}
