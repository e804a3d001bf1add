package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::diagonal_copy.out(Tensor self, int offset=0, int dim1=0, int dim2=1, *, Tensor(a!)
 * out)}: dims dim1 and dim2 are removed and their diagonal becomes the last dimension.
 */
public final class DiagonalCopy {
  private static final String OP = "aten::diagonal_copy.out";

  private DiagonalCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            6,
            (op, self, args) -> {
              if (self.dim() < 2) {
                throw KernelChecks.invalid(op, "expects rank >= 2, got " + self.describe());
              }
              long offset = args[1].toInt();
              int d1 = Shapes.wrapDim(op, args[2].toInt(), self.dim());
              int d2 = Shapes.wrapDim(op, args[3].toInt(), self.dim());
              if (d1 == d2) {
                throw KernelChecks.invalid(op, "dim1 and dim2 are both " + d1);
              }
              long s1 = self.size(d1);
              long s2 = self.size(d2);
              long diag;
              long start;
              if (offset >= 0) {
                diag = s2 <= offset ? 0 : Math.min(s1, s2 - offset);
                start = offset * self.stride(d2);
              } else {
                diag = s1 <= -offset ? 0 : Math.min(s1 + offset, s2);
                start = -offset * self.stride(d1);
              }
              if (diag == 0) {
                start = 0;
              }
              int n = self.dim() - 1;
              int[] sizes = new int[n];
              long[] strides = new long[n];
              for (int d = 0, j = 0; d < self.dim(); d++) {
                if (d != d1 && d != d2) {
                  sizes[j] = self.size(d);
                  strides[j] = self.stride(d);
                  j++;
                }
              }
              sizes[n - 1] = (int) diag;
              strides[n - 1] = self.stride(d1) + self.stride(d2);
              return new StridedView(sizes, start, strides);
            }));
  }
}
