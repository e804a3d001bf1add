package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.OpSupport;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::cat.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out)}: concatenation along
 * {@code dim}; inputs are converted to out's dtype. As in PyTorch and ExecuTorch, 1-d empty inputs
 * are skipped whatever the rank of the others (the legacy "empty tensor" rule).
 */
public final class CatOp {
  private static final String OP = "aten::cat.out";

  private CatOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          OpSupport.checkArity(OP, args, 4);
          if (args[0].tensorListLength() == 0) {
            throw OpSupport.invalid(OP, "needs at least one tensor");
          }
          return new PlannedCall(args, 0, 1) {
            private StridedCopy[] copies;

            @Override
            protected void plan() {
              TensorImpl out = args[2].toTensor();
              TensorImpl[] ins = args[0].toTensorList();
              int dim = OpSupport.wrapDim(OP, args[1].toInt(), out.dim());
              int[] sizes = null;
              long total = 0;
              for (int j = 0; j < ins.length; j++) {
                TensorImpl t = ins[j];
                if (skipped(t)) {
                  continue;
                }
                if (t.dim() != out.dim() || t.dim() == 0) {
                  throw OpSupport.invalid(OP, "tensor " + j + " " + t.describe() + " does not have the rank of out " + out.describe());
                }
                if (sizes == null) {
                  sizes = t.sizes();
                }
                for (int d = 0; d < t.dim(); d++) {
                  if (d != dim && t.size(d) != sizes[d]) {
                    throw OpSupport.invalid(OP, "tensor " + j + " " + t.describe() + " differs from tensor 0 outside dim " + dim);
                  }
                }
                total += t.size(dim);
              }
              if (sizes == null) {
                copies = new StridedCopy[0];
                return;
              }
              sizes[dim] = OpSupport.toSize(OP, total, "concatenated size");
              OpSupport.resize(OP, out, sizes);
              copies = new StridedCopy[ins.length];
              long at = 0;
              for (int j = 0; j < ins.length; j++) {
                TensorImpl t = ins[j];
                if (skipped(t)) {
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
              var dst = copies.length == 0 ? null : args[2].toTensor().data();
              for (int j = 0; j < copies.length; j++) {
                if (copies[j] != null && !copies[j].isEmpty()) {
                  copies[j].run(slots[j].toTensor().data(), dst);
                }
              }
            }
          };
        });
  }

  private static boolean skipped(TensorImpl t) {
    return t.dim() == 1 && t.numel() == 0;
  }
}
