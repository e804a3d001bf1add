package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::t_copy.out(Tensor self, *, Tensor(a!) out)}: transpose of a tensor of rank at most 2. */
public final class TCopy {
  private static final String OP = "aten::t_copy.out";

  private TCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            3,
            (op, self, args) -> {
              if (self.dim() > 2) {
                throw KernelChecks.invalid(op, "expects a tensor of rank <= 2, got " + self.describe());
              }
              return self.dim() < 2 ? ViewCopy.identity(self) : PermuteCopy.swap(self, 0, 1);
            }));
  }
}
