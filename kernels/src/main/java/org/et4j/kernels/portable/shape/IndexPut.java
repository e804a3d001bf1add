package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.OpSupport;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::index_put.out(Tensor self, Tensor?[] indices, Tensor values, bool
 * accumulate=False, *, Tensor(a!) out)} and {@code aten::index_put_(Tensor(a!) self, Tensor?[]
 * indices, Tensor values, bool accumulate=False)}: {@code self[indices] = values} (or {@code +=}),
 * values broadcast to the indexed shape; with repeated indices the last write wins, or all add up
 * when accumulating. The in-place form is what KV-cache updates export to; unlike ExecuTorch's
 * (one 1-d index, no accumulate) it takes everything the out form takes.
 */
public final class IndexPut {
  private static final String OUT = "aten::index_put.out";
  private static final String INPLACE = "aten::index_put_";

  private IndexPut() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, kernel(OUT, 6, 4));
    r.register(INPLACE, kernel(INPLACE, 5, 0));
  }

  private static OpKernel kernel(String op, int arity, int outIndex) {
    return args -> {
      OpSupport.checkArity(op, args, arity);
      TensorImpl self = args[0].toTensor();
      OpSupport.checkSameDtype(op, self, "self", args[2].toTensor(), "values");
      OpSupport.checkSameDtype(op, self, "self", args[outIndex].toTensor(), "out");
      return (KernelCall)
          context -> {
            TensorImpl in = args[0].toTensor();
            TensorImpl values = args[2].toTensor();
            TensorImpl out = args[outIndex].toTensor();
            boolean accumulate = args[3].toBool();
            AdvancedIndex index = AdvancedIndex.of(op, in, args[1].toTensorList());
            StridedView v = ViewCopy.broadcast(op, values, index.xSizes);
            if (out != in) {
              OpSupport.checkContiguous(op, out, "out");
              OpSupport.resize(op, out, in.sizes());
              MemorySegment.copy(in.data(), 0, out.data(), 0, in.nbytes());
            }
            if (OpSupport.numel(index.xSizes) == 0) {
              return;
            }
            MemorySegment src = values.data();
            MemorySegment dst = out.data();
            if (accumulate) {
              var type = in.dtype();
              index.forEach(v.strides(), (so, vo) -> StridedCopy.addElement(type, src, vo, dst, so));
            } else {
              int es = in.dtype().elementSize();
              index.forEach(v.strides(), (so, vo) -> StridedCopy.copyElement(src, vo, dst, so, es));
            }
          };
    };
  }
}
