package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code dim_order_ops::_clone_dim_order.out(Tensor self, *, bool non_blocking=False, int[]?
 * dim_order=None, Tensor(a!) out)}: {@code _to_dim_order_copy} without a dtype change.
 */
public final class CloneDimOrder {
  private static final String OP = "dim_order_ops::_clone_dim_order.out";

  private CloneDimOrder() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            5,
            0,
            3,
            false,
            (op, self, args) -> {
              ToDimOrderCopy.checkArgs(op, self, args[1], args[2], args[3].toTensor());
              return ViewCopy.identity(self);
            }));
  }
}
