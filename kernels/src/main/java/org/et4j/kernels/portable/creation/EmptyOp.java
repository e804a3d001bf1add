package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::empty.out(SymInt[] size, *, MemoryFormat? memory_format=None, Tensor(a!) out)}:
 * resizes out; the contents are left as they are.
 */
public final class EmptyOp {
  private static final String OP = "aten::empty.out";

  private EmptyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          return new PlannedCall(args, 0) {
            @Override
            protected void plan() {
              Shapes.resize(OP, args[2].toTensor(), CreationSupport.sizes(OP, args[0]));
            }

            @Override
            protected void run(KernelContext context) {}
          };
        });
  }
}
