package org.et4j.kernels.portable.nn;

import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::mm.out(Tensor self, Tensor mat2, *, Tensor(a!) out)}: {@code [m, k] @ [k, n]}, as
 * ExecuTorch's {@code op_mm.cpp} (one dtype for all three tensors, real or reduced float). A constant float32 {@code mat2}, or
 * the transpose of one, is packed once at bind ({@link PackedRightOperand}).
 */
public final class MmOp {
  static final String NAME = "aten::mm.out";

  private MmOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, MmOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 3);
    TensorImpl self = args[0].toTensor();
    TensorImpl mat2 = args[1].toTensor();
    TensorImpl out = args[2].toTensor();

    // checks (check_mm_args): ranks, one dtype, row-major data
    KernelChecks.rank(NAME, self, 2, "self");
    KernelChecks.rank(NAME, mat2, 2, "mat2");
    KernelChecks.rank(NAME, out, 2, "out");
    KernelChecks.allSameDtype(NAME, self, mat2, out);
    KernelChecks.allContiguous(NAME, self, mat2, out);
    ScalarType t = self.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }

    int[] outSizes = new int[2];

    // A constant mat2 (or the transpose of one) is packed here, once; see PackedRightOperand.
    Sgemm gemm = Sgemm.get();
    PackedMatrix packed =
        t == ScalarType.FLOAT ? PackedRightOperand.rightOperand(gemm, mat2, null) : null;
    if (packed != null) {
      return ctx -> {
        int m = self.size(0);
        int k = self.size(1);
        if (k != packed.k()) {
          throw KernelChecks.invalid(
              NAME, "cannot multiply " + self.describe() + " by " + mat2.describe());
        }
        outSizes[0] = m;
        outSizes[1] = packed.n();
        NnArgs.resize(NAME, out, outSizes);
        gemm.multiplyPacked(
            m, self.data(), 0, k, packed, out.data(), 0, packed.n(), Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY);
      };
    }

    ProductGeometry geometry = new ProductGeometry(1, false, 0);
    return ctx -> {
      // Sizes are read per call: dynamic shapes may have moved since bind.
      int m = self.size(0);
      int k = self.size(1);
      int n = mat2.size(1);
      if (mat2.size(0) != k) {
        throw KernelChecks.invalid(
            NAME, "cannot multiply " + self.describe() + " by " + mat2.describe());
      }
      outSizes[0] = m;
      outSizes[1] = n;
      NnArgs.resize(NAME, out, outSizes);
      if (ElementTypeMatmul.handles(t)) {
        ElementTypeMatmul.cpublas(t, m, n, k, self.data(), 0, k, false, mat2.data(), 0, n, false, null, out.data(), 0, n);
        return;
      }
      NnArgs.gemm(
          t, geometry.shape(m, n, k, 0, 0), 1, 0, self.data(), 0, mat2.data(), 0, null, 0,
          out.data(), 0);
    };
  }
}
