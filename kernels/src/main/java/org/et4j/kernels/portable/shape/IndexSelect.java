package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::index_select.out(Tensor self, int dim, Tensor index, *, Tensor(a!) out)}: the
 * entries of self along {@code dim} at the positions of a 0-d or 1-d int64/int32 index, each a
 * block of trailing elements moved at once. Negative indices are out of range, as in ExecuTorch.
 */
public final class IndexSelect {
  private static final String OP = "aten::index_select.out";

  private IndexSelect() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 5);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[3].toTensor(), "out");
          KernelChecks.indexType(OP, args[2].toTensor(), "index");
          return new PlannedCall(args, 0, 1, 2) {
            private int dim;
            private long outer;
            private long inner;
            private long dimSize;

            @Override
            protected void plan() {
              TensorImpl self = args[0].toTensor();
              TensorImpl index = args[2].toTensor();
              TensorImpl out = args[3].toTensor();
              KernelChecks.contiguous(OP, self, "self");
              KernelChecks.contiguous(OP, out, "out");
              if (index.dim() > 1) {
                throw KernelChecks.invalid(OP, "index must be 0-d or 1-d, got " + index.describe());
              }
              dim = Shapes.wrapDim(OP, args[1].toInt(), self.dim());
              int[] sizes = self.sizes();
              if (self.dim() == 0) {
                if (index.numel() != 1) {
                  throw KernelChecks.invalid(OP, "indexing a 0-d tensor takes exactly one index");
                }
                dimSize = 1;
                outer = 1;
                inner = 1;
              } else {
                dimSize = self.size(dim);
                sizes[dim] = (int) index.numel();
                outer = 1;
                for (int d = 0; d < dim; d++) {
                  outer *= self.size(d);
                }
                inner = 1;
                for (int d = dim + 1; d < self.dim(); d++) {
                  inner *= self.size(d);
                }
              }
              Shapes.resize(OP, out, sizes);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl self = args[0].toTensor();
              TensorImpl index = args[2].toTensor();
              TensorImpl out = args[3].toTensor();
              long n = index.numel();
              MemorySegment idx = index.data();
              ScalarType it = index.dtype();
              for (long k = 0; k < n; k++) {
                long v = Elements.readLong(it, idx, k);
                if (v < 0 || v >= dimSize) {
                  throw KernelChecks.indexOutOfRange(OP, v, dim, dimSize);
                }
              }
              if (out.numel() == 0) {
                return;
              }
              long block = inner * self.dtype().elementSize();
              MemorySegment src = self.data();
              MemorySegment dst = out.data();
              for (long o = 0; o < outer; o++) {
                for (long k = 0; k < n; k++) {
                  long v = Elements.readLong(it, idx, k);
                  MemorySegment.copy(src, (o * dimSize + v) * block, dst, (o * n + k) * block, block);
                }
              }
            }
          };
        });
  }
}
