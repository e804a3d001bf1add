package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The identity copies: {@code aten::alias_copy.out}, {@code aten::detach_copy.out} and {@code
 * aten::lift_fresh_copy.out}, each {@code (Tensor self, *, Tensor(a!) out)}.
 */
public final class AliasCopy {
  private AliasCopy() {}

  public static void register(KernelRegistry.Builder r) {
    for (String op : new String[] {"aten::alias_copy.out", "aten::detach_copy.out", "aten::lift_fresh_copy.out"}) {
      r.register(op, ViewCopy.kernel(op, 3, (o, self, args) -> ViewCopy.identity(self)));
    }
  }
}
