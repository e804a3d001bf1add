package org.et4j.kernels.portable.creation;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code dim_order_ops::_empty_dim_order.out(int[] size, *, int[]? dim_order=None, Tensor(a!)
 * out)}: resizes out, whose dim order must be the one asked for (contiguous when None).
 */
public final class EmptyDimOrder {
  private static final String OP = "dim_order_ops::_empty_dim_order.out";

  private EmptyDimOrder() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          TensorImpl out = args[2].toTensor();
          int[] want;
          if (args[1].isNone()) {
            want = new int[out.dim()];
            Arrays.setAll(want, i -> i);
          } else {
            want = args[1].toIntArray();
          }
          if (!Arrays.equals(want, out.dimOrder())) {
            throw KernelChecks.invalid(
                OP, "out has dim order " + Arrays.toString(out.dimOrder()) + " but " + Arrays.toString(want) + " was asked for");
          }
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
