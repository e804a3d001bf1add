package org.et4j.kernels.portable.sample;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::view_as_real_copy.out(Tensor self, *, Tensor(a!) out)}. ExecuTorch's {@code
 * op_view_as_real_copy.cpp} requires a complex input ("Input tensor must be complex type",
 * InvalidArgument) and writes (real, imag) pairs into a trailing dimension of 2. et4j has no
 * complex dtypes, so every call site is rejected, at load, with the same code.
 */
public final class ViewAsRealCopyOp {
  static final String OP = "aten::view_as_real_copy.out";

  private ViewAsRealCopyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.argCount(OP, args, 2);
          TensorImpl self = KernelChecks.tensor(OP, args, 0);
          throw KernelChecks.invalid(
              OP,
              "input must be complex, got "
                  + self.dtype().displayName()
                  + " (et4j does not support complex dtypes)");
        });
  }
}
