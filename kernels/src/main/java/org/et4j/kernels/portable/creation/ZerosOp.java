package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/** {@code aten::zeros.out(SymInt[] size, *, Tensor(a!) out)}: all-zero bytes are zero in every dtype. */
public final class ZerosOp {
  private static final String OP = "aten::zeros.out";

  private ZerosOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 3);
          return new PlannedCall(args, 0) {
            @Override
            protected void plan() {
              Shapes.resize(OP, args[1].toTensor(), CreationSupport.sizes(OP, args[0]));
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[1].toTensor();
              if (out.numel() > 0) {
                out.data().asSlice(0, out.nbytes()).fill((byte) 0);
              }
            }
          };
        });
  }
}
