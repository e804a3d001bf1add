package org.et4j.kernels.portable.sample;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The host/device copies of ExecuTorch's {@code op__device_copy.cpp}. et4j runs every tensor on
 * the host, so both directions are the plain copy of the ATen build of that file: same dtype, same
 * dim order, out resized to self's sizes, {@code self.nbytes()} bytes copied. (ExecuTorch's lean
 * build requires a non-CPU device on one side and fails on a CPU-only runtime.)
 */
final class DeviceCopy {
  private DeviceCopy() {}

  static OpKernel kernel(String op) {
    return args -> {
      KernelChecks.argCount(op, args, 2);
      TensorImpl self = KernelChecks.tensor(op, args, 0);
      TensorImpl out = KernelChecks.tensor(op, args, 1);
      KernelChecks.sameDtype(op, self, out);
      KernelChecks.check(
          java.util.Arrays.equals(self.dimOrder(), out.dimOrder()),
          op,
          "self and out must have the same dim order, got "
              + java.util.Arrays.toString(self.dimOrder())
              + " and "
              + java.util.Arrays.toString(out.dimOrder()));
      return context -> {
        Shapes.resize(op, out, self.sizes());
        long n = self.nbytes();
        if (n > 0) {
          java.lang.foreign.MemorySegment.copy(self.data(), 0, out.data(), 0, n);
        }
      };
    };
  }
}
