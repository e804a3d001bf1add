package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::split_with_sizes_copy.out(Tensor self, SymInt[] split_sizes, int dim=0, *,
 * Tensor(a!)[] out) -> ()}: pieces of the given lengths, which must add up to the dimension.
 */
public final class SplitWithSizesCopy {
  private static final String OP = "aten::split_with_sizes_copy.out";

  private SplitWithSizesCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        MultiViewCopy.kernel(
            OP,
            3,
            (op, self, args, outputs) -> {
              if (self.dim() == 0) {
                throw KernelChecks.invalid(op, "cannot split a 0-d tensor");
              }
              int dim = Shapes.wrapDim(op, args[2].toInt(), self.dim());
              long[] lengths = args[1].toIntList();
              long sum = 0;
              for (long l : lengths) {
                if (l < 0) {
                  throw KernelChecks.invalid(op, "negative split size " + l);
                }
                sum += l;
              }
              if (sum != self.size(dim)) {
                throw KernelChecks.invalid(op, "split sizes add up to " + sum + " but dimension " + dim + " has size " + self.size(dim));
              }
              return MultiViewCopy.pieces(self, dim, lengths);
            }));
  }
}
