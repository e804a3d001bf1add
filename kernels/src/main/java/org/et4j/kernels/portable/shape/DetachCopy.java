package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::detach_copy.out(Tensor self, *, Tensor(a!) out)}: a copy; detaching from autograd means nothing at inference. */
public final class DetachCopy {
  private static final String OP = "aten::detach_copy.out";

  private DetachCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ViewCopy.kernel(OP, 3, (op, self, args) -> ViewCopy.identity(self)));
  }
}
