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
 * {@code quantized_decomposed::mixed_linear.out(Tensor input, Tensor weight, Tensor weight_scales,
 * Tensor? weight_zero_points, ScalarType? dtype=None, *, Tensor(a!) out)}, as ExecuTorch's
 * {@code op_mixed_linear.cpp} and {@code vec_quantized_matmul_transb_int8}: {@code out[i][j] =
 * sum_groups s[j][g] * sum_{k in g} x[i][k] * w[j][k]} for a float32/float16 input {@code [m,
 * n]}, int8 weight {@code [p, n]} and scales {@code [p]} or {@code [p, groups]} in the input's
 * dtype; the partial and total sums are in the out dtype (float32 or float16). Zero points are not
 * supported (as in ExecuTorch).
 */
public final class MixedLinearOp {
  static final String NAME = "quantized_decomposed::mixed_linear.out";

  private MixedLinearOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, MixedLinearOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 6);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toTensor();
    TensorImpl scales = args[2].toTensor();
    TensorImpl zps = args[3].toOptionalTensor();
    ScalarType dtype = Quant.optionalDtype(NAME, args[4]);
    TensorImpl out = args[5].toTensor();

    // checks (check_quantized_mixed_linear_args)
    if (in.dim() != 2 || weight.dim() != 2 || (scales.dim() != 1 && scales.dim() != 2) || out.dim() != 2) {
      throw KernelChecks.invalid(NAME, "expected 2-d input, weight and out and 1-d or 2-d scales");
    }
    ScalarType u = in.dtype();
    if (scales.dtype() != u) {
      throw KernelChecks.invalid(NAME, "weight_scales " + scales.describe() + " must have the input's dtype");
    }
    if (dtype != null && (dtype != out.dtype() || (dtype != ScalarType.FLOAT && dtype != ScalarType.HALF))) {
      throw KernelChecks.invalid(NAME, "dtype must be Float or Half and match out " + out.describe());
    }
    if (weight.dtype() != ScalarType.CHAR) {
      throw KernelChecks.invalid(NAME, "weight dtype must be int8");
    }
    if (u != ScalarType.FLOAT && u != ScalarType.HALF) {
      throw KernelChecks.invalid(NAME, "input dtype must be Float or Half");
    }
    if (zps != null) {
      throw KernelChecks.invalid(NAME, "zero points not supported yet.");
    }
    ScalarType t = dtype != null ? dtype : out.dtype();
    if (t != ScalarType.FLOAT && t != ScalarType.HALF && t != ScalarType.DOUBLE) {
      throw KernelChecks.invalid(NAME, "out " + out.describe() + " must be floating");
    }
    // psum * scale is a float16 product only when both sides are float16
    ScalarType productType = t == ScalarType.HALF && u == ScalarType.HALF ? ScalarType.HALF : ScalarType.FLOAT;
    Quant.requireContiguous(NAME, in, weight, scales, out);

    return ctx -> {
      int m = in.size(0);
      int n = in.size(1);
      int p = weight.size(0);
      if (weight.size(1) != n || scales.size(0) != p) {
        throw KernelChecks.invalid(NAME, "input " + in.describe() + ", weight " + weight.describe() + " and scales " + scales.describe() + " do not match");
      }
      Quant.resize(NAME, out, new int[] {m, p});
      int g = n;
      if (scales.dim() == 2) {
        int cols = scales.size(1);
        if (cols == 0) {
          throw KernelChecks.invalid(NAME, "weight_scales " + scales.describe() + " has no groups");
        }
        g = (n + cols - 1) / cols;
      }
      int groups = g == 0 ? 0 : (n + g - 1) / g;
      MemorySegment x = in.data();
      MemorySegment w = weight.data();
      MemorySegment s = scales.data();
      MemorySegment y = out.data();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          double sum = 0;
          for (int k = 0; k < n; k += g) {
            double psum = 0;
            for (int k2 = k; k2 < Math.min(k + g, n); k2++) {
              double xw = Quant.roundTo(u, Elements.readDouble(u, x, (long) i * n + k2) * Quant.read(ScalarType.CHAR, w, (long) j * n + k2));
              psum = Quant.roundTo(t, psum + xw);
            }
            double scale = Elements.readDouble(u, s, (long) j * groups + k / g);
            sum = Quant.roundTo(t, sum + Quant.roundTo(productType, psum * scale));
          }
          Elements.writeDouble(t, y, (long) i * p + j, sum);
        }
      }
    };
  }
}
