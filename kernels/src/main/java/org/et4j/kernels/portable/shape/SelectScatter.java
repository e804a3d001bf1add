package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::select_scatter.out(Tensor self, Tensor src, int dim, SymInt index, *, Tensor(a!)
 * out)}: out is self with the slice at {@code index} along {@code dim} replaced by src.
 */
public final class SelectScatter {
  private static final String OP = "aten::select_scatter.out";

  private SelectScatter() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP, SliceScatter.kernel(OP, 6, (op, out, args) -> SelectCopy.select(op, out, args[2].toInt(), args[3].toInt())));
  }
}
