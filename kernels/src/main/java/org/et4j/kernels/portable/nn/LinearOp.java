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
 * {@code aten::linear.out(Tensor input, Tensor weight, Tensor? bias=None, *, Tensor(a!) out)}:
 * {@code input @ weight^T + bias} over the last dim of {@code input} ({@code [..., k]}, weight
 * {@code [n, k]}, bias {@code [n]}), as ExecuTorch's optimized {@code op_linear.cpp}. The weight is
 * read transposed by the GEMM's packing and the bias is added in its epilogue: nothing is copied.
 * A constant weight is packed once at bind ({@link PackedRightOperand}).
 */
public final class LinearOp {
  static final String NAME = "aten::linear.out";

  private LinearOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, LinearOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 4);
    TensorImpl input = args[0].toTensor();
    TensorImpl weight = args[1].toTensor();
    TensorImpl bias = args[2].toOptionalTensor();
    TensorImpl out = args[3].toTensor();

    // checks: ranks, one dtype, row-major data
    if (input.dim() < 1) {
      throw KernelChecks.invalid(NAME, "input must have at least 1 dim, got " + input.describe());
    }
    KernelChecks.rank(NAME, weight, 2, "weight");
    if (bias != null) {
      KernelChecks.rank(NAME, bias, 1, "bias");
    }
    if (out.dim() != input.dim()) {
      throw KernelChecks.invalid(NAME, "out must have the input's rank, got " + KernelChecks.describe(input, out));
    }
    KernelChecks.allSameDtype(NAME, input, weight, bias, out);
    KernelChecks.allContiguous(NAME, input, weight, bias, out);
    ScalarType t = input.dtype();
    if (!t.isFloatingPoint() && !ElementTypeMatmul.handles(t)) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    int[] outSizes = input.sizes();

    // A constant weight (and bias) is packed here, once; see PackedRightOperand.
    Sgemm gemm = Sgemm.get();
    PackedMatrix packed =
        t == ScalarType.FLOAT ? PackedRightOperand.linearWeight(gemm, weight, bias) : null;
    if (packed != null) {
      if (bias != null && bias.size(0) != packed.n()) {
        throw KernelChecks.invalid(
            NAME, "shapes do not match: " + KernelChecks.describe(input, weight, bias));
      }
      return ctx -> {
        int rank = input.dim();
        int k = input.size(rank - 1);
        if (k != packed.k()) {
          throw KernelChecks.invalid(
              NAME, "shapes do not match: " + KernelChecks.describe(input, weight, bias));
        }
        long rows = 1;
        for (int d = 0; d < rank - 1; d++) {
          outSizes[d] = input.size(d);
          rows *= input.size(d);
        }
        outSizes[rank - 1] = packed.n();
        NnArgs.resize(NAME, out, outSizes);
        gemm.multiplyPacked(
            (int) rows, input.data(), 0, k, packed, out.data(), 0, packed.n(),
            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      };
    }

    ProductGeometry geometry = new ProductGeometry(1, true, bias == null ? 0 : 1);
    return ctx -> {
      int rank = input.dim();
      int k = input.size(rank - 1);
      int n = weight.size(0);
      if (weight.size(1) != k || (bias != null && bias.size(0) != n)) {
        throw KernelChecks.invalid(
            NAME, "shapes do not match: " + KernelChecks.describe(input, weight, bias));
      }
      long rows = 1;
      for (int d = 0; d < rank - 1; d++) {
        outSizes[d] = input.size(d);
        rows *= input.size(d);
      }
      outSizes[rank - 1] = n;
      NnArgs.resize(NAME, out, outSizes);
      if (ElementTypeMatmul.handles(t)) {
        ElementTypeMatmul.cpublas(
            t, (int) rows, n, k, input.data(), 0, k, false, weight.data(), 0, k, true,
            bias == null ? null : bias.data(), out.data(), 0, n);
        return;
      }
      NnArgs.gemm(
          t, geometry.shape((int) rows, n, k, 0, 1), 1, bias == null ? 0 : 1, input.data(), 0,
          weight.data(), 0, bias == null ? null : bias.data(), 0, out.data(), 0);
    };
  }
}
