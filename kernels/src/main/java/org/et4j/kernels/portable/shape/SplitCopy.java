package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::split_copy.Tensor_out(Tensor self, SymInt split_size, int dim=0, *, Tensor(a!)[]
 * out) -> ()}: pieces of {@code split_size}, the last one possibly shorter.
 */
public final class SplitCopy {
  private static final String OP = "aten::split_copy.Tensor_out";

  private SplitCopy() {}

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
              long size = self.size(dim);
              long split = args[1].toInt();
              if (split < 0 || (split == 0 && size != 0)) {
                throw KernelChecks.invalid(op, "split_size " + split + " is invalid for dimension " + dim + " of size " + size);
              }
              int count = split >= size ? 1 : (int) ((size + split - 1) / split);
              if (count != outputs) {
                throw KernelChecks.invalid(op, "splitting size " + size + " by " + split + " gives " + count + " tensors but out has " + outputs);
              }
              long[] lengths = new long[count];
              for (int i = 0; i < count; i++) {
                lengths[i] = Math.min(split, size - i * split);
              }
              if (count == 1) {
                lengths[0] = size;
              }
              return MultiViewCopy.pieces(self, dim, lengths);
            }));
  }
}
