package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::_pdist_forward.out(Tensor self, float p=2, *, Tensor(a!) out)}, as ExecuTorch's
 * {@code op_pdist_forward.cpp}: the p-norm distance between every pair {@code i < j} of rows of a
 * {@code [n, m]} input, row-major, into {@code [n(n-1)/2]}. See {@link Distance}.
 */
public final class PdistForwardOp {
  static final String NAME = "aten::_pdist_forward.out";

  private PdistForwardOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, PdistForwardOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 3);
    TensorImpl in = args[0].toTensor();
    double p = args[1].toDouble();
    TensorImpl out = args[2].toTensor();
    // checks (check_pdist_args)
    ScalarType t = in.dtype();
    if (out.dtype() != t) {
      throw KernelChecks.invalid(NAME, "out " + out.describe() + " must have the dtype of the input " + in.describe());
    }
    Reduction.requireFloating(NAME, "input", t);
    if (in.dim() != 2 || !in.isContiguous()) {
      throw KernelChecks.invalid(NAME, "input " + in.describe() + " must be a contiguous matrix");
    }
    if (!(p >= 0)) {
      throw KernelChecks.invalid(NAME, "pdist only supports non-negative p values; p = " + p);
    }
    return ctx -> {
      long n = in.size(0);
      int m = in.size(1);
      Reduction.resize(NAME, out, new int[] {(int) (n * (n - 1) / 2)});
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      long o = 0;
      for (long i = 0; i < n; i++) {
        for (long j = i + 1; j < n; j++) {
          Elements.writeDouble(t, y, o++, Distance.distance(t, x, i * m, x, j * m, m, p));
        }
      }
    };
  }
}
