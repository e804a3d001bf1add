package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::full_like.out(Tensor self, Scalar fill_value, *, MemoryFormat?
 * memory_format=None, Tensor(a!) out)}: out of self's shape filled with the value (which must fit
 * out's dtype); memory_format may only be contiguous or preserve.
 */
public final class FullLike {
  private static final String OP = "aten::full_like.out";

  private FullLike() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 5);
          CreationSupport.checkScalar(OP, args[1], "fill_value");
          if (!args[2].isNone() && args[2].toInt() != 0 && args[2].toInt() != 1) {
            throw KernelChecks.invalid(OP, "memory_format must be contiguous or preserve");
          }
          return new PlannedCall(args, 0, 1) {
            @Override
            protected void plan() {
              TensorImpl out = args[3].toTensor();
              Shapes.resize(OP, out, args[0].toTensor().sizes());
              Fill.checkFits(OP, out.dtype(), args[1]);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[3].toTensor();
              if (out.numel() > 0) {
                Fill.fill(out.dtype(), out.data(), out.numel(), args[1]);
              }
            }
          };
        });
  }
}
