package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::narrow_copy.out(Tensor self, int dim, SymInt start, SymInt length, *, Tensor(a!)
 * out)}: {@code length} entries from {@code start} (which may be negative) along {@code dim}.
 */
public final class NarrowCopy {
  private static final String OP = "aten::narrow_copy.out";

  private NarrowCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            6,
            (op, self, args) -> {
              if (self.dim() == 0) {
                throw KernelChecks.invalid(op, "cannot narrow a 0-d tensor");
              }
              int dim = Shapes.wrapDim(op, args[1].toInt(), self.dim());
              long size = self.size(dim);
              long start = args[2].toInt();
              long length = args[3].toInt();
              if (start < -size || start > size) {
                throw KernelChecks.invalid(op, "start " + start + " is out of range for dimension " + dim + " of size " + size);
              }
              start = start < 0 ? start + size : start;
              if (length < 0 || start + length > size) {
                throw KernelChecks.invalid(
                    op, "start " + start + " + length " + length + " exceeds dimension " + dim + " of size " + size);
              }
              int[] sizes = Shapes.withSize(self.sizes(), dim, (int) length);
              return new StridedView(sizes, start * self.stride(dim), self.strides());
            }));
  }
}
