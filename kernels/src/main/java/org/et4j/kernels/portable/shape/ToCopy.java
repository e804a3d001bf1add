package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::_to_copy.out(Tensor self, *, bool non_blocking=False, MemoryFormat?
 * memory_format=None, Tensor(a!) out)}: a copy converted to out's dtype ({@code static_cast}).
 */
public final class ToCopy {
  private static final String OP = "aten::_to_copy.out";

  private ToCopy() {}

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
              if (args[1].toBool()) {
                throw KernelChecks.invalid(op, "non_blocking=True is not supported");
              }
              CloneOp.checkMemoryFormat(op, args[2]);
              return ViewCopy.identity(self);
            }));
  }
}
