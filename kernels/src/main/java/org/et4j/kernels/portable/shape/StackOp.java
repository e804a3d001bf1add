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
 * {@code aten::stack.out(Tensor[] tensors, int dim=0, *, Tensor(a!) out)}: equal-shaped tensors
 * joined along a new dimension {@code dim}; inputs are converted to out's dtype (float to integer and anything to bool excepted).
 */
public final class StackOp {
  private static final String OP = "aten::stack.out";

  private StackOp() {}

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
              int rank = ins[0].dim();
              long dimArg = args[1].toInt();
              if (dimArg < -(rank + 1) || dimArg > rank) {
                throw KernelChecks.invalid(OP, "dim " + dimArg + " is out of range for stacking rank " + rank);
              }
              int dim = (int) (dimArg < 0 ? dimArg + rank + 1 : dimArg);
              for (int j = 0; j < ins.length; j++) {
                KernelChecks.canCast(OP, ins[j].dtype(), out.dtype());
                if (!ins[j].sameShape(ins[0])) {
                  throw KernelChecks.invalid(OP, "tensor " + j + " " + ins[j].describe() + " differs from tensor 0 " + ins[0].describe());
                }
              }
              int[] sizes = new int[rank + 1];
              for (int d = 0, k = 0; d <= rank; d++) {
                sizes[d] = d == dim ? ins.length : ins[0].size(k++);
              }
              Shapes.resize(OP, out, sizes);
              long[] dst = new long[rank];
              for (int d = 0, k = 0; d <= rank; d++) {
                if (d != dim) {
                  dst[k++] = out.stride(d);
                }
              }
              copies = new StridedCopy[ins.length];
              for (int j = 0; j < ins.length; j++) {
                TensorImpl t = ins[j];
                copies[j] = StridedCopy.of(t.dtype(), 0, t.sizes(), t.strides(), out.dtype(), j * out.stride(dim), dst);
              }
            }

            @Override
            protected void run(KernelContext context) {
              Value[] slots = args[0].tensorListSlots();
              var dst = args[2].toTensor().data();
              for (int j = 0; j < copies.length; j++) {
                if (!copies[j].isEmpty()) {
                  copies[j].run(slots[j].toTensor().data(), dst);
                }
              }
            }
          };
        });
  }
}
