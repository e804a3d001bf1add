package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::full.out(SymInt[] size, Scalar fill_value, *, Tensor(a!) out)}: out resized to
 * size and filled with the value, which must fit out's dtype.
 */
public final class FullOp {
  private static final String OP = "aten::full.out";

  private FullOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          CreationSupport.checkScalar(OP, args[1], "fill_value");
          return new PlannedCall(args, 0, 1) {
            @Override
            protected void plan() {
              TensorImpl out = args[2].toTensor();
              Shapes.resize(OP, out, CreationSupport.sizes(OP, args[0]));
              Fill.checkFits(OP, out.dtype(), args[1]);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[2].toTensor();
              if (out.numel() > 0) {
                Fill.fill(out.dtype(), out.data(), out.numel(), args[1]);
              }
            }
          };
        });
  }
}
