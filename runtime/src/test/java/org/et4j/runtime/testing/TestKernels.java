package org.et4j.runtime.testing;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Minimal elementwise kernels for interpreter tests, so the runtime is tested without the kernel
 * library: same-shape float32 and int32 add (with alpha) and mul.
 */
public final class TestKernels {
  private TestKernels() {}

  public static KernelRegistry registry() {
    return KernelRegistry.builder()
        .register("aten::add.out", args -> {
          TensorImpl a = args[0].toTensor();
          TensorImpl b = args[1].toTensor();
          long alpha = args[2].scalarToLong();
          TensorImpl out = args[3].toTensor();
          return ctx -> binary(a, b, out, (x, y) -> x + alpha * y);
        })
        .register("aten::mul.out", args -> {
          TensorImpl a = args[0].toTensor();
          TensorImpl b = args[1].toTensor();
          TensorImpl out = args[2].toTensor();
          return ctx -> binary(a, b, out, (x, y) -> x * y);
        })
        .build();
  }

  private interface Op {
    double apply(double x, double y);
  }

  private static void binary(TensorImpl a, TensorImpl b, TensorImpl out, Op op) {
    out.resize(a.sizes());
    for (long i = 0; i < a.numel(); i++) {
      long j = b.numel() == 1 ? 0 : i;
      if (a.dtype() == ScalarType.FLOAT) {
        float x = a.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        float y = b.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, j);
        out.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) op.apply(x, y));
      } else {
        int x = a.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i);
        int y = b.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, j);
        out.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i, (int) op.apply(x, y));
      }
    }
  }

  /** Slots for a quick call. */
  public static Value[] args(Value... v) {
    return v;
  }
}
