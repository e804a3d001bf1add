package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/** {@code aten::ones.out(SymInt[] size, *, Tensor(a!) out)}. */
public final class OnesOp {
  private static final String OP = "aten::ones.out";
  private static final Value ONE = Value.ofInt(1);

  private OnesOp() {}

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
                Fill.fill(out.dtype(), out.data(), out.numel(), ONE);
              }
            }
          };
        });
  }
}
