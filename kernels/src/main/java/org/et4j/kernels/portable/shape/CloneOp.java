package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::clone.out(Tensor self, *, MemoryFormat? memory_format=None, Tensor(a!) out)}. Only
 * the preserving formats are accepted (None, contiguous, preserve), as ExecuTorch: layout changes
 * are {@code dim_order_ops::_clone_dim_order}.
 */
public final class CloneOp {
  private static final String OP = "aten::clone.out";

  private CloneOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            4,
            (op, self, args) -> {
              checkMemoryFormat(op, args[1]);
              return ViewCopy.identity(self);
            }));
  }

  /** memory_format: None, contiguous (0) or preserve (1). */
  static void checkMemoryFormat(String op, org.et4j.runtime.kernel.Value mf) {
    if (!mf.isNone() && mf.toInt() != 0 && mf.toInt() != 1) {
      throw KernelChecks.invalid(op, "memory_format " + mf.toInt() + " is not supported; use the dim order ops");
    }
  }
}
