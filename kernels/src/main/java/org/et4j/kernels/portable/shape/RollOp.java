package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::roll.out(Tensor self, SymInt[1] shifts, int[1] dims=[], *, Tensor(a!) out)}:
 * {@code out[(i + shift) mod n] = self[i]} along each of dims; shifts of a repeated dim add up. As
 * ExecuTorch, shifts and dims must have the same, non-zero length (no flattened roll). Each rolled
 * dimension splits into two pieces, so the op is 2^k strided copies for k rolled dimensions.
 */
public final class RollOp {
  private static final String OP = "aten::roll.out";

  private RollOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 5);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[3].toTensor(), "out");
          return new PlannedCall(args, 0, 1, 2) {
            private StridedCopy[] copies;

            @Override
            protected void plan() {
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[3].toTensor();
              int rank = self.dim();
              if (rank == 0) {
                throw KernelChecks.invalid(OP, "cannot roll a 0-d tensor");
              }
              int n = args[1].intListLength();
              if (n == 0 || n != args[2].intListLength()) {
                throw KernelChecks.invalid(OP, "shifts (" + n + ") and dims (" + args[2].intListLength() + ") must have the same, non-zero length");
              }
              Shapes.resize(OP, out, self.sizes());
              long[] shift = new long[rank];
              for (int i = 0; i < n; i++) {
                int d = Shapes.wrapDim(OP, args[2].intListItem(i), rank);
                shift[d] += args[1].intListItem(i);
              }
              int[] rolled = new int[rank];
              int k = 0;
              for (int d = 0; d < rank; d++) {
                long size = self.size(d);
                if (size > 0) {
                  shift[d] = Math.floorMod(shift[d], size);
                  if (shift[d] != 0) {
                    rolled[k++] = d;
                  }
                }
              }
              copies = new StridedCopy[1 << k];
              for (int mask = 0; mask < copies.length; mask++) {
                int[] sizes = self.sizes();
                long src = 0;
                long dst = 0;
                for (int b = 0; b < k; b++) {
                  int d = rolled[b];
                  int size = self.size(d);
                  int s = (int) shift[d];
                  if ((mask & (1 << b)) == 0) {
                    // self[0, n-s) lands at out[s, n).
                    sizes[d] = size - s;
                    dst += s * out.stride(d);
                  } else {
                    // self[n-s, n) lands at out[0, s).
                    sizes[d] = s;
                    src += (long) (size - s) * self.stride(d);
                  }
                }
                copies[mask] = StridedCopy.of(self.dtype(), src, sizes, self.strides(), out.dtype(), dst, out.strides());
              }
            }

            @Override
            protected void run(KernelContext context) {
              var src = args[0].toTensor().data();
              var dst = args[3].toTensor().data();
              for (StridedCopy c : copies) {
                if (!c.isEmpty()) {
                  c.run(src, dst);
                }
              }
            }
          };
        });
  }
}
