package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::transpose_copy.int_out(Tensor self, int dim0, int dim1, *, Tensor(a!) out)}. */
public final class TransposeCopy {
  private static final String OP = "aten::transpose_copy.int_out";

  private TransposeCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            5,
            (op, self, args) -> {
              if (self.dim() == 0) {
                Shapes.wrapDim(op, args[1].toInt(), 0);
                Shapes.wrapDim(op, args[2].toInt(), 0);
                return ViewCopy.identity(self);
              }
              int a = Shapes.wrapDim(op, args[1].toInt(), self.dim());
              int b = Shapes.wrapDim(op, args[2].toInt(), self.dim());
              return PermuteCopy.swap(self, a, b);
            }));
  }
}
