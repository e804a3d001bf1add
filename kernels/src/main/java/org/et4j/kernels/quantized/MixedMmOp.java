package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code quantized_decomposed::mixed_mm.out(Tensor input, Tensor weight, Tensor weight_scales,
 * Tensor? weight_zero_points, *, Tensor(a!) out)}, as ExecuTorch's {@code op_mixed_mm.cpp} and
 * {@code vec_quantized_matmul_int8}: {@code out[i][j] = sum_k x[i][k] * w[k][j] * s[k]} for a
 * float32 or float16 input {@code [m, n]}, int8 weight {@code [n, p]} and per-row scales
 * {@code [n]}, accumulated in the input dtype. Zero points are not supported (as in ExecuTorch).
 */
public final class MixedMmOp {
  static final String NAME = "quantized_decomposed::mixed_mm.out";

  private MixedMmOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, MixedMmOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 5);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toTensor();
    TensorImpl scales = args[2].toTensor();
    TensorImpl zps = args[3].toOptionalTensor();
    TensorImpl out = args[4].toTensor();

    // checks (check_quantized_mixed_mm_args)
    if (in.dim() != 2 || weight.dim() != 2 || scales.dim() != 1 || out.dim() != 2) {
      throw KernelChecks.invalid(NAME, "expected 2-d input, weight and out and 1-d scales");
    }
    ScalarType t = in.dtype();
    if (scales.dtype() != t || out.dtype() != t) {
      throw KernelChecks.invalid(NAME, "input, weight_scales and out must have one dtype");
    }
    if (weight.dtype() != ScalarType.CHAR) {
      throw KernelChecks.invalid(NAME, "weight dtype must be int8");
    }
    if (t != ScalarType.FLOAT && t != ScalarType.HALF) {
      throw KernelChecks.invalid(NAME, "input dtype must be Float or Half");
    }
    if (zps != null) {
      throw KernelChecks.invalid(NAME, "zero points not supported yet.");
    }
    Quant.requireContiguous(NAME, in, weight, scales, out);

    return ctx -> {
      int m = in.size(0);
      int n = in.size(1);
      int p = weight.size(1);
      if (weight.size(0) != n || scales.size(0) != n) {
        throw KernelChecks.invalid(NAME, "input " + in.describe() + ", weight " + weight.describe() + " and scales " + scales.describe() + " do not match");
      }
      Quant.resize(NAME, out, new int[] {m, p});
      MemorySegment x = in.data();
      MemorySegment w = weight.data();
      MemorySegment s = scales.data();
      MemorySegment y = out.data();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          double sum = 0;
          for (int k = 0; k < n; k++) {
            double xw = Quant.roundTo(t, Elements.readDouble(t, x, (long) i * n + k) * Quant.read(ScalarType.CHAR, w, (long) k * p + j));
            sum = Quant.roundTo(t, sum + Quant.roundTo(t, xw * Elements.readDouble(t, s, k)));
          }
          Elements.writeDouble(t, y, (long) i * p + j, sum);
        }
      }
    };
  }
}
