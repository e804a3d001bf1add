package org.et4j.kernels.portable.sample;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::_conj_physical.out(Tensor self, *, Tensor(a!) out)}. ExecuTorch's {@code
 * op__conj_physical.cpp} switches over the complex dtypes only ({@code ET_SWITCH_COMPLEXH_TYPES}),
 * so a real input fails with InvalidArgument there (unlike PyTorch, where it is a copy). et4j has
 * no complex dtypes, so every call site is rejected, at load, with the same code.
 */
public final class ConjPhysicalOp {
  static final String OP = "aten::_conj_physical.out";

  private ConjPhysicalOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.argCount(OP, args, 2);
          TensorImpl self = KernelChecks.tensor(OP, args, 0);
          throw KernelChecks.invalid(
              OP,
              "input of dtype "
                  + self.dtype().displayName()
                  + " is not supported: ExecuTorch's kernel takes only complex dtypes, which et4j does not support");
        });
  }
}
