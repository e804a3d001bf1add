package org.et4j.kernels.portable.nn;

import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.ConstantDerivation;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The constant right operand of {@code linear}, {@code addmm} and {@code mm}, packed once at bind
 * with its bias by {@link Sgemm#packB}, as XNNPACK's FullyConnected packs its weights at init: the
 * per-call product is then {@link Sgemm#multiplyPacked}, which neither packs nor allocates. Only
 * float32 operands whose bytes cannot change qualify: program constants, and planned tensors that
 * a {@code permute_copy} / {@code t_copy} of a program constant writes (the form in which
 * ExecuTorch's exporter leaves a linear layer's weight, {@code addmm(bias, x,
 * permute_copy(weight, [1, 0]))}).
 *
 * <p>The packed path starts each sum from the bias and adds the products in ascending {@code k};
 * the unpacked path adds the bias after the sum. So the two differ by float rounding only.
 */
final class PackedRightOperand {
  private PackedRightOperand() {}

  /** A constant {@code [n, k]} weight read as {@code B = weight^T}, or null if not constant. */
  static PackedMatrix linearWeight(Sgemm gemm, TensorImpl weight, TensorImpl bias) {
    if (!isFloat32Constant(weight) || !isBiasRow(bias, weight.size(0))) {
      return null;
    }
    return gemm.packB(
        weight.size(1), weight.size(0), weight.data(), 0, weight.size(1), true, biasData(bias), 0);
  }

  /**
   * A constant {@code [k, n]} right operand (directly, or as the transpose of a constant {@code
   * [n, k]}), with {@code bias} ({@code [n]}, {@code [1, n]} or null) packed as its bias row; null
   * when the operand or the bias can change between calls.
   */
  static PackedMatrix rightOperand(Sgemm gemm, TensorImpl mat2, TensorImpl bias) {
    if (mat2.dim() != 2 || mat2.dtype() != ScalarType.FLOAT || !mat2.isContiguous()) {
      return null;
    }
    int k = mat2.size(0);
    int n = mat2.size(1);
    if (!isBiasRow(bias, n)) {
      return null;
    }
    if (isFloat32Constant(mat2)) {
      return gemm.packB(k, n, mat2.data(), 0, n, false, biasData(bias), 0);
    }
    ConstantDerivation from = mat2.constantDerivation();
    if (from != null && from.isTranspose() && isFloat32Constant(from.constant())) {
      return gemm.packB(k, n, from.constant().data(), 0, k, true, biasData(bias), 0);
    }
    return null;
  }

  private static boolean isFloat32Constant(TensorImpl t) {
    return t.isProgramConstant() && t.dtype() == ScalarType.FLOAT && t.isContiguous()
        && t.dim() == 2;
  }

  /** Null, or a constant float32 row of {@code n} values ({@code [n]} or {@code [1, n]}). */
  private static boolean isBiasRow(TensorImpl bias, int n) {
    if (bias == null) {
      return true;
    }
    return bias.isProgramConstant()
        && bias.dtype() == ScalarType.FLOAT
        && bias.numel() == n
        && (bias.dim() == 1 || (bias.dim() == 2 && bias.size(0) == 1));
  }

  private static java.lang.foreign.MemorySegment biasData(TensorImpl bias) {
    return bias == null ? null : bias.data();
  }
}
