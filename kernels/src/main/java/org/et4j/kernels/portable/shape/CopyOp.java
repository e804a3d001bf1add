package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::copy.out(Tensor self, Tensor src, bool non_blocking=False, *, Tensor(a!) out)} and
 * {@code aten::copy_(Tensor(a!) self, Tensor src, bool non_blocking=False)}: src broadcast to
 * self's shape and converted to its dtype. {@code copy_} is how an exported program writes a
 * mutable buffer (KV cache) back; its destination is self.
 */
public final class CopyOp {
  private static final String OUT = "aten::copy.out";
  private static final String INPLACE = "aten::copy_";

  private CopyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OUT,
        ViewCopy.kernel(
            OUT,
            5,
            1,
            3,
            true,
            (op, src, args) -> {
              TensorImpl self = args[0].toTensor();
              KernelChecks.sameDtype(op, self, "self", args[3].toTensor(), "out");
              checkBlocking(op, args[2]);
              return ViewCopy.broadcast(op, src, self.sizes());
            }));
    r.register(
        INPLACE,
        ViewCopy.kernel(
            INPLACE,
            4,
            1,
            0,
            true,
            (op, src, args) -> {
              checkBlocking(op, args[2]);
              return ViewCopy.broadcast(op, src, args[0].toTensor().sizes());
            }));
  }

  private static void checkBlocking(String op, Value nonBlocking) {
    if (nonBlocking.toBool()) {
      throw KernelChecks.invalid(op, "non_blocking=True is not supported");
    }
  }
}
