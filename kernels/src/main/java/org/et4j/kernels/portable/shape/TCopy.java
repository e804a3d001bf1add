package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/** {@code aten::t_copy.out(Tensor self, *, Tensor(a!) out)}: transpose of a tensor of rank at most 2. */
public final class TCopy {
  private static final String OP = "aten::t_copy.out";

  private TCopy() {}

  public static void register(KernelRegistry.Builder r) {
    OpKernel copy =
        ViewCopy.kernel(
            OP,
            3,
            (op, self, args) -> {
              if (self.dim() > 2) {
                throw KernelChecks.invalid(op, "expects a tensor of rank <= 2, got " + self.describe());
              }
              return self.dim() < 2 ? ViewCopy.identity(self) : PermuteCopy.swap(self, 0, 1);
            });
    r.register(
        OP,
        args -> {
          KernelCall call = copy.bind(args);
          TensorImpl self = args[0].toTensor();
          if (self.dim() == 2) {
            ConstantPermutation.record(self, new int[] {1, 0}, args[1].toTensor());
          }
          return call;
        });
  }
}
