package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.OpSupport;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::gather.out(Tensor self, int dim, Tensor index, *, bool sparse_grad=False,
 * Tensor(a!) out)}: {@code out[i][j] = self[index[i][j]][j]} (for dim 0); out has index's shape.
 */
public final class GatherOp {
  private static final String OP = "aten::gather.out";

  private GatherOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          OpSupport.checkArity(OP, args, 6);
          OpSupport.checkSameDtype(OP, args[0].toTensor(), "self", args[4].toTensor(), "out");
          return (KernelCall)
              context -> {
                TensorImpl self = args[0].toTensor();
                TensorImpl index = args[2].toTensor();
                TensorImpl out = args[4].toTensor();
                int dim = GatherScatter.check(OP, self, args[1].toInt(), index, null);
                OpSupport.checkContiguous(OP, out, "out");
                OpSupport.resize(OP, out, index.sizes());
                MemorySegment src = self.numel() == 0 ? null : self.data();
                MemorySegment dst = out.numel() == 0 ? null : out.data();
                int es = self.dtype().elementSize();
                GatherScatter.walk(OP, self, dim, index, out, (s, o) -> StridedCopy.copyElement(src, s, dst, o, es));
              };
        });
  }
}
