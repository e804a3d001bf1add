package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::addmm.out(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1,
 * Tensor(a!) out)}: {@code beta * self + alpha * (mat1 @ mat2)}, with {@code self} broadcast to
 * {@code [m, n]}, as ExecuTorch's {@code op_addmm.cpp}. The broadcast is expressed as strides of
 * the GEMM's addend (0 along broadcast dims), so {@code self} is read in the GEMM's epilogue and
 * never copied. When {@code beta} is 0, {@code self} is not read (NaNs in it do not propagate). A constant
 * float32 {@code mat2} (or the transpose of one) is packed once at bind with a constant bias row
 * ({@link PackedRightOperand}).
 */
public final class AddmmOp {
  static final String NAME = "aten::addmm.out";

  private AddmmOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, AddmmOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 6);
    TensorImpl self = args[0].toTensor();
    TensorImpl mat1 = args[1].toTensor();
    TensorImpl mat2 = args[2].toTensor();
    double beta = args[3].scalarToDouble();
    double alpha = args[4].scalarToDouble();
    TensorImpl out = args[5].toTensor();

    // checks (check_addmm_args)
    KernelChecks.rank(NAME, mat1, 2, "mat1");
    KernelChecks.rank(NAME, mat2, 2, "mat2");
    KernelChecks.rank(NAME, out, 2, "out");
    if (self.dim() > 2) {
      throw KernelChecks.invalid(NAME, "self must be at most 2-D, got " + self.describe());
    }
    KernelChecks.allSameDtype(NAME, self, mat1, mat2, out);
    KernelChecks.allContiguous(NAME, self, mat1, mat2, out);
    ScalarType t = out.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }

    int[] outSizes = new int[2];

    // alpha = 1 with a constant mat2 (or the transpose of one) and a constant bias row or beta = 0,
    // as every linear layer exports: packed here, once, bias included; see PackedRightOperand.
    Sgemm gemm = Sgemm.get();
    PackedMatrix packed =
        t == ScalarType.FLOAT && alpha == 1 && (beta == 0 || beta == 1)
            ? PackedRightOperand.rightOperand(gemm, mat2, beta == 0 ? null : self)
            : null;
    if (packed != null) {
      return ctx -> {
        int m = mat1.size(0);
        int k = mat1.size(1);
        if (k != packed.k()) {
          throw KernelChecks.invalid(
              NAME, "cannot multiply " + mat1.describe() + " by " + mat2.describe());
        }
        outSizes[0] = m;
        outSizes[1] = packed.n();
        NnArgs.resize(NAME, out, outSizes);
        gemm.multiplyPacked(
            m, mat1.data(), 0, k, packed, out.data(), 0, packed.n(), Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY);
      };
    }

    ProductGeometry geometry = new ProductGeometry(alpha, false, beta);
    return ctx -> {
      int m = mat1.size(0);
      int k = mat1.size(1);
      int n = mat2.size(1);
      if (mat2.size(0) != k) {
        throw KernelChecks.invalid(
            NAME, "cannot multiply " + mat1.describe() + " by " + mat2.describe());
      }
      // self's sizes aligned to the right of [m, n]; a dim of size 1 broadcasts (stride 0).
      int selfRows = self.dim() == 2 ? self.size(0) : 1;
      int selfCols = self.dim() >= 1 ? self.size(self.dim() - 1) : 1;
      if ((selfRows != 1 && selfRows != m) || (selfCols != 1 && selfCols != n)) {
        throw KernelChecks.invalid(
            NAME,
            "self "
                + self.describe()
                + " does not broadcast to the product's shape ["
                + m
                + ", "
                + n
                + "] of "
                + mat1.describe()
                + " @ "
                + mat2.describe());
      }
      long dRs = selfRows == 1 ? 0 : selfCols;
      long dCs = selfCols == 1 ? 0 : 1;
      outSizes[0] = m;
      outSizes[1] = n;
      NnArgs.resize(NAME, out, outSizes);
      MemorySegment d = beta == 0 ? null : self.data();
      NnArgs.gemm(
          t, geometry.shape(m, n, k, dRs, dCs), alpha, beta, mat1.data(), 0, mat2.data(), 0, d, 0,
          out.data(), 0);
    };
  }
}
