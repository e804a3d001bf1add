package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
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
          KernelChecks.slotCount(OP, args, 6);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[4].toTensor(), "out");
          return new PlannedCall(args, 0, 1, 2) {
            private final int[] coord = new int[16];
            private int dim;

            @Override
            protected void plan() {
              TensorImpl out = args[4].toTensor();
              dim = GatherScatter.check(OP, args[0].toTensor(), args[1].toInt(), args[2].toTensor(), null);
              KernelChecks.contiguous(OP, out, "out");
              Shapes.resize(OP, out, args[2].toTensor().sizes());
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[4].toTensor();
              if (out.numel() == 0) {
                return;
              }
              GatherScatter.walk(
                  OP, self, dim, args[2].toTensor(), out, coord, GatherScatter.Mode.GATHER, self.data(), out.data(), self.dtype().elementSize());
            }
          };
        });
  }
}
