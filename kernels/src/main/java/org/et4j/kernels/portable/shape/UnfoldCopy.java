package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::unfold_copy.out(Tensor self, int dimension, int size, int step, *, Tensor(a!)
 * out)}: all windows of {@code size} entries, {@code step} apart, along {@code dimension}; the
 * window becomes a new last dimension.
 */
public final class UnfoldCopy {
  private static final String OP = "aten::unfold_copy.out";

  private UnfoldCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            6,
            (op, self, args) -> {
              int rank = self.dim();
              int dim = Shapes.wrapDim(op, args[1].toInt(), rank);
              long length = rank == 0 ? 1 : self.size(dim);
              long size = args[2].toInt();
              long step = args[3].toInt();
              if (size < 0 || size > length) {
                throw KernelChecks.invalid(op, "size " + size + " must be in [0, " + length + "]");
              }
              if (step <= 0) {
                throw KernelChecks.invalid(op, "step " + step + " must be positive");
              }
              int[] sizes = new int[rank + 1];
              long[] strides = new long[rank + 1];
              for (int d = 0; d < rank; d++) {
                sizes[d] = self.size(d);
                strides[d] = self.stride(d);
              }
              long dimStride = rank == 0 ? 1 : self.stride(dim);
              if (rank > 0) {
                sizes[dim] = (int) ((length - size) / step + 1);
                strides[dim] = dimStride * step;
              }
              sizes[rank] = (int) size;
              strides[rank] = dimStride;
              return new StridedView(sizes, 0, strides);
            }));
  }
}
