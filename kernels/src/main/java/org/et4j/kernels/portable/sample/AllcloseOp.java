package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::allclose.out(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool
 * equal_nan=False, bool dummy_param=False, *, Tensor(a!) out)}, from ExecuTorch's {@code
 * kernels/portable/custom_ops.yaml} and {@code op_allclose.cpp}: out (bool, one element) is true
 * when every {@code |self - other| <= atol + |rtol * other|} with a finite difference, the
 * difference computed in the tensors' dtype; with {@code rtol == atol == 0} the test is exact
 * equality. NaN is never close: ExecuTorch ignores {@code equal_nan} (and {@code dummy_param}),
 * and so does et4j. Non-float dtypes compare bytes. self and other need the same shape and dtype,
 * all three tensors the same dim order, and the data is compared in storage order.
 */
public final class AllcloseOp {
  static final String OP = "aten::allclose.out";

  private AllcloseOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.argCount(OP, args, 7);
          TensorImpl a = KernelChecks.tensor(OP, args, 0);
          TensorImpl b = KernelChecks.tensor(OP, args, 1);
          TensorImpl out = KernelChecks.tensor(OP, args, 6);
          double rtol = args[2].scalarToDouble();
          double atol = args[3].scalarToDouble();
          KernelChecks.sameDtype(OP, a, b);
          KernelChecks.check(
              out.dtype() == ScalarType.BOOL, OP, "out must be bool, got " + out.dtype().displayName());
          KernelChecks.sameDimOrder(OP, a, b, out);
          ScalarType t = a.dtype();
          return context -> {
            KernelChecks.check(
                a.sameShape(b), OP, "self " + a.describe() + " and other " + b.describe() + " must have the same shape");
            KernelChecks.check(out.numel() == 1, OP, "out must have one element, got " + out.describe());
            boolean close =
                t.isFloatingPoint()
                    ? floatsClose(t, a.data(), b.data(), a.numel(), rtol, atol)
                    : a.numel() == 0 || a.data().asSlice(0, a.nbytes()).mismatch(b.data().asSlice(0, b.nbytes())) < 0;
            out.data().set(ValueLayout.JAVA_BYTE, 0, (byte) (close ? 1 : 0));
          };
        });
  }

  private static boolean floatsClose(ScalarType t, MemorySegment a, MemorySegment b, long n, double rtol, double atol) {
    for (long i = 0; i < n; i++) {
      double x = Elements.readDouble(t, a, i);
      double y = Elements.readDouble(t, b, i);
      if (rtol == 0 && atol == 0) {
        if (x != y) {
          return false;
        }
      } else {
        double allowed = atol + Math.abs(rtol * y);
        double actual = Math.abs(SampleSupport.round(t, x - y));
        if (!Double.isFinite(actual) || actual > allowed) {
          return false;
        }
      }
    }
    return true;
  }
}
