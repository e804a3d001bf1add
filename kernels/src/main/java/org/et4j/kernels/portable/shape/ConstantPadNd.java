package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::constant_pad_nd.out(Tensor self, SymInt[] pad, Scalar value=0, *, Tensor(a!)
 * out)}: pad holds (before, after) pairs starting from the last dimension. out is filled with the
 * value, then self is copied into its window. Negative pads crop, as in PyTorch (ExecuTorch
 * rejects them).
 */
public final class ConstantPadNd {
  private static final String OP = "aten::constant_pad_nd.out";

  private ConstantPadNd() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 5);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[3].toTensor(), "out");
          if (!args[2].isScalar()) {
            throw KernelChecks.invalid(OP, "value must be a Scalar, got " + args[2].tag());
          }
          return new PlannedCall(args, 0, 1, 2) {
            private StridedCopy copy;

            @Override
            protected void plan() {
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[3].toTensor();
              int rank = self.dim();
              int n = args[1].intListLength();
              if (n % 2 != 0 || n / 2 > rank) {
                throw KernelChecks.invalid(OP, "pad has " + n + " entries; it needs an even count of at most " + 2 * rank);
              }
              int[] outSizes = self.sizes();
              int[] sizes = self.sizes();
              long src = 0;
              long dst = 0;
              for (int p = 0; p < n / 2; p++) {
                int d = rank - 1 - p;
                long before = args[1].intListItem(2 * p);
                long after = args[1].intListItem(2 * p + 1);
                if (Math.abs(before) > Integer.MAX_VALUE || Math.abs(after) > Integer.MAX_VALUE) {
                  throw KernelChecks.invalid(OP, "pad (" + before + ", " + after + ") is out of range");
                }
                long size = self.size(d) + before + after;
                if (size < 0) {
                  throw KernelChecks.invalid(OP, "padding dimension " + d + " of size " + self.size(d) + " gives negative size " + size);
                }
                outSizes[d] = Shapes.toSize(OP, size, "padded size");
              }
              Shapes.resize(OP, out, outSizes);
              for (int p = 0; p < n / 2; p++) {
                int d = rank - 1 - p;
                long before = args[1].intListItem(2 * p);
                long after = args[1].intListItem(2 * p + 1);
                long cropBefore = Math.max(0, -before);
                long cropAfter = Math.max(0, -after);
                sizes[d] = (int) Math.max(0, self.size(d) - cropBefore - cropAfter);
                src += cropBefore * self.stride(d);
                dst += Math.max(0, before) * out.stride(d);
              }
              Fill.checkFits(OP, out.dtype(), args[2]);
              copy = StridedCopy.of(self.dtype(), src, sizes, self.strides(), out.dtype(), dst, out.strides());
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[3].toTensor();
              Fill.fill(out.dtype(), out.data(), out.numel(), args[2]);
              if (!copy.isEmpty()) {
                copy.run(args[0].toTensor().data(), out.data());
              }
            }
          };
        });
  }
}
