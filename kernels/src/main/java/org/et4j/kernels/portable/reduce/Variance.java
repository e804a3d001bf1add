package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The two-pass variance shared by {@link VarOp} and {@link VarMeanOp}, as ExecuTorch's
 * {@code compute_variance}: sum and mean in the out dtype, then the sum of squared deviations in
 * the out dtype (float16/bfloat16 round after every operation), divided by {@code num -
 * correction}. When nothing is reduced or the denominator is not positive, every output is NaN.
 */
final class Variance {
  private Variance() {}

  /**
   * @param mean where the means go, or null
   * @param denominatorInOutType divide by the denominator cast to the out dtype (ExecuTorch's
   *     var_mean fast path) instead of by the double
   */
  static void compute(
      TensorImpl in,
      Reduction.Plan plan,
      long num,
      double denominator,
      TensorImpl var,
      long[] varOffsets,
      TensorImpl mean,
      long[] meanOffsets,
      boolean denominatorInOutType) {
    ScalarType it = in.dtype();
    ScalarType ot = var.dtype();
    MemorySegment vdst = var.data();
    MemorySegment mdst = mean == null ? null : mean.data();
    if (num == 0 || denominator <= 0) {
      for (int o = 0; o < varOffsets.length; o++) {
        Elements.writeDouble(ot, vdst, varOffsets[o], Double.NaN);
        if (mdst != null) {
          Elements.writeDouble(ot, mdst, meanOffsets[o], Double.NaN);
        }
      }
      return;
    }
    if (in.numel() == 0) {
      return;
    }
    MemorySegment src = in.data();
    double count = Reduction.roundTo(ot, num);
    double denom = denominatorInOutType ? Reduction.roundTo(ot, denominator) : denominator;
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      double sum = 0;
      for (long off : plan.offsets) {
        sum = Reduction.roundTo(ot, sum + Reduction.readAsFloating(ot, it, src, base + off));
      }
      double m = Reduction.roundTo(ot, sum / count);
      double sum2 = 0;
      for (long off : plan.offsets) {
        double d = Reduction.roundTo(ot, Reduction.readAsFloating(ot, it, src, base + off) - m);
        sum2 = Reduction.roundTo(ot, sum2 + Reduction.roundTo(ot, d * d));
      }
      Elements.writeDouble(ot, vdst, varOffsets[o], sum2 / denom);
      if (mdst != null) {
        Elements.writeDouble(ot, mdst, meanOffsets[o], m);
      }
    }
  }
}
