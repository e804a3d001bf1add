package org.et4j.kernels.portable.shape;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code dim_order_ops::_to_dim_order_copy.out(Tensor self, *, bool non_blocking=False, int[]?
 * dim_order=None, Tensor(a!) out)}: a copy converted to out's dtype and laid out in out's dim
 * order, which must be the requested one (or self's when None). This is how programs move between
 * contiguous and channels-last.
 */
public final class ToDimOrderCopy {
  private static final String OP = "dim_order_ops::_to_dim_order_copy.out";

  private ToDimOrderCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            5,
            0,
            3,
            true,
            (op, self, args) -> {
              checkArgs(op, self, args[1], args[2], args[3].toTensor());
              return ViewCopy.identity(self);
            }));
  }

  /** ExecuTorch's {@code check__to_dim_order_copy_args}. */
  static void checkArgs(String op, TensorImpl self, Value nonBlocking, Value dimOrder, TensorImpl out) {
    if (nonBlocking.toBool()) {
      throw KernelChecks.invalid(op, "non_blocking=True is not supported");
    }
    int[] want = dimOrder.isNone() ? self.dimOrder() : dimOrder.toIntArray();
    if (!dimOrder.isNone()) {
      if (want.length != self.dim()) {
        throw KernelChecks.invalid(
            op, "dim_order " + Arrays.toString(want) + " does not match the rank of " + self.describe());
      }
      if (!isContiguousOrder(want) && !isChannelsLast(want)) {
        throw KernelChecks.invalid(
            op, "dim_order " + Arrays.toString(want) + " is neither contiguous nor channels-last");
      }
    }
    if (!Arrays.equals(want, out.dimOrder())) {
      throw KernelChecks.invalid(
          op,
          "out has dim order "
              + Arrays.toString(out.dimOrder())
              + " but "
              + Arrays.toString(want)
              + " was asked for");
    }
  }

  static boolean isContiguousOrder(int[] order) {
    for (int i = 0; i < order.length; i++) {
      if (order[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** [0, 2, 3, 1] and its 3-d and 5-d analogues: the channel dimension innermost. */
  static boolean isChannelsLast(int[] order) {
    if (order.length < 3 || order[0] != 0 || order[order.length - 1] != 1) {
      return false;
    }
    for (int i = 1; i < order.length - 1; i++) {
      if (order[i] != i + 1) {
        return false;
      }
    }
    return true;
  }
}
