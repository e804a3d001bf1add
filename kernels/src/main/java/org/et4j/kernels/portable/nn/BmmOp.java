package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::bmm.out(Tensor self, Tensor mat2, *, Tensor(a!) out)}: {@code [b, m, k] @ [b, k,
 * n]}, one GEMM per batch on views of the same buffers, as ExecuTorch's {@code op_bmm.cpp}.
 */
public final class BmmOp {
  static final String NAME = "aten::bmm.out";

  private BmmOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, BmmOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 3);
    TensorImpl self = args[0].toTensor();
    TensorImpl mat2 = args[1].toTensor();
    TensorImpl out = args[2].toTensor();

    // checks (check_bmm_args)
    KernelChecks.rank(NAME, self, 3, "self");
    KernelChecks.rank(NAME, mat2, 3, "mat2");
    KernelChecks.rank(NAME, out, 3, "out");
    KernelChecks.allSameDtype(NAME, self, mat2, out);
    KernelChecks.allContiguous(NAME, self, mat2, out);
    ScalarType t = self.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }

    int[] outSizes = new int[3];
    ProductGeometry geometry = new ProductGeometry(1, false, 0);

    return ctx -> {
      int batch = self.size(0);
      int m = self.size(1);
      int k = self.size(2);
      int n = mat2.size(2);
      if (mat2.size(0) != batch || mat2.size(1) != k) {
        throw KernelChecks.invalid(
            NAME, "cannot batch-multiply " + self.describe() + " by " + mat2.describe());
      }
      outSizes[0] = batch;
      outSizes[1] = m;
      outSizes[2] = n;
      NnArgs.resize(NAME, out, outSizes);
      MemorySegment a = self.data();
      MemorySegment b = mat2.data();
      MemorySegment c = out.data();
      for (int i = 0; i < batch; i++) {
        if (ElementTypeMatmul.handles(t)) {
          ElementTypeMatmul.cpublas(
              t, m, n, k, a, (long) i * m * k, k, false, b, (long) i * k * n, n, false, null, c, (long) i * m * n, n);
          continue;
        }
        NnArgs.gemm(
            t, geometry.shape(m, n, k, 0, 0), 1, 0, a, (long) i * m * k, b, (long) i * k * n, null,
            0, c, (long) i * m * n);
      }
    };
  }
}
