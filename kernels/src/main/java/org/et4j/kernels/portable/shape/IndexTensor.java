package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.OpSupport;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::index.Tensor_out(Tensor self, Tensor?[] indices, *, Tensor(a!) out)}: advanced
 * indexing ({@link AdvancedIndex}) with int64, int32 and bool indices. The result shape depends on
 * index data (masks), so the work is done per execution.
 */
public final class IndexTensor {
  private static final String OP = "aten::index.Tensor_out";

  private IndexTensor() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          OpSupport.checkArity(OP, args, 4);
          OpSupport.checkSameDtype(OP, args[0].toTensor(), "self", args[2].toTensor(), "out");
          return (KernelCall)
              context -> {
                TensorImpl self = args[0].toTensor();
                TensorImpl out = args[2].toTensor();
                OpSupport.checkContiguous(OP, out, "out");
                AdvancedIndex index = AdvancedIndex.of(OP, self, args[1].toTensorList());
                OpSupport.resize(OP, out, index.xSizes);
                if (out.numel() == 0) {
                  return;
                }
                MemorySegment src = self.data();
                MemorySegment dst = out.data();
                int es = self.dtype().elementSize();
                index.forEach(out.strides(), (so, oo) -> StridedCopy.copyElement(src, so, dst, oo, es));
              };
        });
  }
}
