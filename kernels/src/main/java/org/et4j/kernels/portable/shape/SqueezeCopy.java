package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::squeeze_copy.dim_out(Tensor self, int dim, *, Tensor(a!) out)} and {@code
 * aten::squeeze_copy.dims_out(Tensor self, int[] dim, *, Tensor(a!) out)}: drop the named
 * dimensions that have size 1 (others are kept).
 */
public final class SqueezeCopy {
  private static final String DIM = "aten::squeeze_copy.dim_out";
  private static final String DIMS = "aten::squeeze_copy.dims_out";

  private SqueezeCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        DIM,
        ViewCopy.kernel(
            DIM,
            4,
            (op, self, args) -> {
              boolean[] drop = new boolean[self.dim()];
              int d = Shapes.wrapDim(op, args[1].toInt(), self.dim());
              if (self.dim() > 0) {
                drop[d] = true;
              }
              return squeeze(self, drop);
            }));
    r.register(
        DIMS,
        ViewCopy.kernel(
            DIMS,
            4,
            (op, self, args) -> {
              boolean[] drop = new boolean[self.dim()];
              for (int i = 0; i < args[1].intListLength(); i++) {
                int d = Shapes.wrapDim(op, args[1].intListItem(i), self.dim());
                if (self.dim() > 0) {
                  if (drop[d]) {
                    throw KernelChecks.invalid(op, "dim " + d + " appears twice");
                  }
                  drop[d] = true;
                }
              }
              return squeeze(self, drop);
            }));
  }

  private static StridedView squeeze(TensorImpl self, boolean[] drop) {
    int n = 0;
    for (int i = 0; i < self.dim(); i++) {
      if (!(drop[i] && self.size(i) == 1)) {
        n++;
      }
    }
    int[] sizes = new int[n];
    long[] strides = new long[n];
    for (int i = 0, j = 0; i < self.dim(); i++) {
      if (!(drop[i] && self.size(i) == 1)) {
        sizes[j] = self.size(i);
        strides[j] = self.stride(i);
        j++;
      }
    }
    return new StridedView(sizes, 0, strides);
  }
}
