package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::index.Tensor_out(Tensor self, Tensor?[] indices, *, Tensor(a!) out)}: advanced
 * indexing ({@link AdvancedIndex}) with int64, int32 and bool indices. The structure is planned
 * once per shape; index values are re-read on every execution, and with a mask the whole plan is
 * redone since the result shape is data.
 */
public final class IndexTensor {
  private static final String OP = "aten::index.Tensor_out";

  private IndexTensor() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[2].toTensor(), "out");
          return new PlannedCall(args, 0, 1) {
            private AdvancedIndex index;

            @Override
            protected void plan() {
              index = build();
            }

            private AdvancedIndex build() {
              TensorImpl out = args[2].toTensor();
              KernelChecks.contiguous(OP, out, "out");
              AdvancedIndex ix = AdvancedIndex.of(OP, args[0].toTensor(), args[1].toTensorList());
              Shapes.resize(OP, out, ix.xSizes);
              return ix;
            }

            @Override
            protected void run(KernelContext context) {
              if (index.dataDependent) {
                index = build();
              } else {
                index.refresh();
              }
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[2].toTensor();
              if (out.numel() == 0) {
                return;
              }
              index.gather(self.data(), out.data(), self.dtype().elementSize(), out.strides());
            }
          };
        });
  }
}
