package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::unsqueeze_copy.out(Tensor self, int dim, *, Tensor(a!) out)}. */
public final class UnsqueezeCopy {
  private static final String OP = "aten::unsqueeze_copy.out";

  private UnsqueezeCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            4,
            (op, self, args) -> {
              int n = self.dim();
              long dim = args[1].toInt();
              if (dim < -(n + 1) || dim > n) {
                throw KernelChecks.invalid(op, "dim " + dim + " is out of range for unsqueezing rank " + n);
              }
              int d = (int) (dim < 0 ? dim + n + 1 : dim);
              int[] sizes = new int[n + 1];
              long[] strides = new long[n + 1];
              for (int i = 0, j = 0; i <= n; i++) {
                if (i == d) {
                  sizes[i] = 1;
                  strides[i] = 1;
                } else {
                  sizes[i] = self.size(j);
                  strides[i] = self.stride(j);
                  j++;
                }
              }
              return new StridedView(sizes, 0, strides);
            }));
  }
}
