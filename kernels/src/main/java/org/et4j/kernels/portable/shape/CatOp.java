package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::cat.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out)}: concatenation along
 * {@code dim}; inputs are converted to out's dtype (float to integer and anything to bool
 * excepted). As in ExecuTorch, empty inputs are skipped, so a 1-d empty tensor may sit among
 * tensors of any rank (the legacy "empty tensor" rule).
 */
public final class CatOp {
  private static final String OP = "aten::cat.out";

  private CatOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          if (args[0].tensorListLength() == 0) {
            throw KernelChecks.invalid(OP, "needs at least one tensor");
          }
          return new PlannedCall(args, 0, 1) {
            private StridedCopy[] copies;

            @Override
            protected void plan() {
              TensorImpl out = args[2].toTensor();
              TensorImpl[] ins = KernelChecks.tensorList(OP, args[0], "tensors");
              int dim = Shapes.wrapDim(OP, args[1].toInt(), out.dim());
              // Empty inputs take no part in the checks or the copy; the last input that is
              // not a 1-d empty tensor gives the sizes outside dim, as ExecuTorch's
              // get_cat_out_target_size.
              int ref = 0;
              int firstNonEmpty = -1;
              long total = 0;
              for (int j = 0; j < ins.length; j++) {
                TensorImpl t = ins[j];
                KernelChecks.canCast(OP, t.dtype(), out.dtype());
                if (!(t.dim() == 1 && t.numel() == 0)) {
                  ref = j;
                }
                if (t.numel() == 0) {
                  continue;
                }
                if (firstNonEmpty < 0) {
                  firstNonEmpty = j;
                }
                TensorImpl first = ins[firstNonEmpty];
                if (t.dim() != first.dim() || t.dim() != out.dim() || dim >= t.dim()) {
                  throw KernelChecks.invalid(OP, "tensor " + j + " " + t.describe() + " does not have the rank of tensor " + firstNonEmpty + " " + first.describe() + " and of out " + out.describe() + ", or lacks dim " + dim);
                }
                for (int d = 0; d < t.dim(); d++) {
                  if (d != dim && t.size(d) != first.size(d)) {
                    throw KernelChecks.invalid(OP, "tensor " + j + " " + t.describe() + " differs from tensor " + firstNonEmpty + " " + first.describe() + " outside dim " + dim);
                  }
                }
                total += t.size(dim);
              }
              int[] sizes = ins[ref].sizes();
              if (dim < sizes.length) {
                sizes[dim] = Shapes.toSize(OP, total, "concatenated size");
              }
              Shapes.resize(OP, out, sizes);
              copies = new StridedCopy[ins.length];
              long at = 0;
              for (int j = 0; j < ins.length; j++) {
                TensorImpl t = ins[j];
                if (t.numel() == 0) {
                  continue;
                }
                copies[j] =
                    StridedCopy.of(t.dtype(), 0, t.sizes(), t.strides(), out.dtype(), at * out.stride(dim), out.strides());
                at += t.size(dim);
              }
            }

            @Override
            protected void run(KernelContext context) {
              Value[] slots = args[0].tensorListSlots();
              TensorImpl out = args[2].toTensor();
              if (out.numel() == 0) {
                return;
              }
              var dst = out.data();
              for (int j = 0; j < copies.length; j++) {
                if (copies[j] != null && !copies[j].isEmpty()) {
                  copies[j].run(slots[j].toTensor().data(), dst);
                }
              }
            }
          };
        });
  }

}
