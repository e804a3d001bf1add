package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::repeat.out(Tensor self, SymInt[] repeats, *, Tensor(a!) out)}: self tiled {@code
 * repeats[d]} times along each dimension (self is first given leading size-1 dimensions up to the
 * length of repeats). Each output dimension is split into (repeat, size) and copied as a
 * 2×rank-dimensional strided view with stride 0 over the repeat.
 */
public final class RepeatOp {
  private static final String OP = "aten::repeat.out";

  private RepeatOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[2].toTensor(), "out");
          return new PlannedCall(args, 0, 1) {
            private StridedCopy copy;

            @Override
            protected void plan() {
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[2].toTensor();
              int n = args[1].intListLength();
              int rank = self.dim();
              if (n < rank) {
                throw KernelChecks.invalid(OP, "repeats has " + n + " entries, fewer than the rank " + rank + " of self");
              }
              int[] outSizes = new int[n];
              int[] sizes = new int[2 * n];
              long[] src = new long[2 * n];
              for (int i = 0; i < n; i++) {
                long rep = args[1].intListItem(i);
                if (rep < 0 || rep > Integer.MAX_VALUE) {
                  throw KernelChecks.invalid(OP, "repeat " + rep + " is out of range");
                }
                int j = i - (n - rank);
                int s = j < 0 ? 1 : self.size(j);
                outSizes[i] = Shapes.toSize(OP, rep * s, "repeated size");
                sizes[2 * i] = (int) rep;
                sizes[2 * i + 1] = s;
                src[2 * i] = 0;
                src[2 * i + 1] = j < 0 ? 0 : self.stride(j);
              }
              Shapes.resize(OP, out, outSizes);
              long[] dst = new long[2 * n];
              for (int i = 0; i < n; i++) {
                dst[2 * i] = (long) sizes[2 * i + 1] * out.stride(i);
                dst[2 * i + 1] = out.stride(i);
              }
              copy = StridedCopy.of(self.dtype(), 0, sizes, src, out.dtype(), 0, dst);
            }

            @Override
            protected void run(KernelContext context) {
              if (!copy.isEmpty()) {
                copy.run(args[0].toTensor().data(), args[2].toTensor().data());
              }
            }
          };
        });
  }
}
