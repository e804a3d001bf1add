package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::unbind_copy.int_out(Tensor self, int dim=0, *, Tensor(a!)[] out) -> ()}: every
 * slice along {@code dim}, that dimension removed.
 */
public final class UnbindCopy {
  private static final String OP = "aten::unbind_copy.int_out";

  private UnbindCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        MultiViewCopy.kernel(
            OP,
            2,
            (op, self, args, outputs) -> {
              if (self.dim() == 0) {
                throw KernelChecks.invalid(op, "cannot unbind a 0-d tensor");
              }
              int dim = Shapes.wrapDim(op, args[1].toInt(), self.dim());
              if (self.size(dim) != outputs) {
                throw KernelChecks.invalid(op, "dimension " + dim + " has size " + self.size(dim) + " but out has " + outputs + " tensors");
              }
              StridedView[] views = new StridedView[outputs];
              for (int i = 0; i < outputs; i++) {
                views[i] = SelectCopy.select(op, self, dim, i);
              }
              return views;
            }));
  }
}
