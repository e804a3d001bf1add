package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/** {@code aten::scalar_tensor.out(Scalar s, *, Tensor(a!) out)}: a 0-d tensor holding s. */
public final class ScalarTensor {
  private static final String OP = "aten::scalar_tensor.out";

  private ScalarTensor() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 3);
          CreationSupport.checkScalar(OP, args[0], "s");
          Shapes.resize(OP, args[1].toTensor(), new int[0]);
          return (KernelCall)
              context -> {
                TensorImpl out = args[1].toTensor();
                Fill.checkFits(OP, out.dtype(), args[0]);
                Fill.writeScalar(out.dtype(), out.data(), args[0]);
              };
        });
  }
}
