package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
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
      KernelChecks.slotCount(op, args, arity);
      TensorImpl self = args[0].toTensor();
      KernelChecks.sameDtype(op, self, "self", args[2].toTensor(), "values");
      KernelChecks.sameDtype(op, self, "self", args[outIndex].toTensor(), "out");
      return new PlannedCall(args, 0, 1, 2) {
        private AdvancedIndex index;
        private long[] valueStrides;

        @Override
        protected void plan() {
          index = build();
        }

        private AdvancedIndex build() {
          TensorImpl in = args[0].toTensor();
          TensorImpl out = args[outIndex].toTensor();
          AdvancedIndex ix = AdvancedIndex.of(op, in, args[1].toTensorList());
          valueStrides = ViewCopy.broadcast(op, args[2].toTensor(), ix.xSizes).strides();
          if (out != in) {
            KernelChecks.contiguous(op, out, "out");
            Shapes.resize(op, out, in.sizes());
          }
          return ix;
        }

        @Override
        protected void run(KernelContext context) {
          if (index.dataDependent) {
            index = build();
          } else {
            index.refresh();
          }
          TensorImpl in = args[0].toTensor();
          TensorImpl out = args[outIndex].toTensor();
          if (out != in && in.numel() > 0) {
            MemorySegment.copy(in.data(), 0, out.data(), 0, in.nbytes());
          }
          if (Shapes.numel(index.xSizes) == 0) {
            return;
          }
          index.scatter(args[2].toTensor().data(), valueStrides, out.data(), in.dtype(), args[3].toBool());
        }
      };
    };
  }
}
