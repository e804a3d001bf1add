package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::native_layer_norm.out(Tensor input, SymInt[] normalized_shape, Tensor? weight,
 * Tensor? bias, float eps, *, Tensor(a!) out0, Tensor(b!) out1, Tensor(c!) out2)}: the
 * normalized input, the mean and the reciprocal std of each row (the trailing
 * {@code normalized_shape} dims), as ExecuTorch's {@code op_native_layer_norm.cpp}. Statistics are
 * computed in float for every dtype ({@code E[x^2] - E[x]^2}), with {@code eps} first rounded to
 * the input's dtype. Mean and rstd have the input's rank with the normalized dims set to 1. Rows
 * of no elements get mean 0 and rstd NaN.
 */
public final class NativeLayerNormOp {
  static final String NAME = "aten::native_layer_norm.out";

  private NativeLayerNormOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, NativeLayerNormOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 8);
    TensorImpl in = args[0].toTensor();
    Value shapeArg = args[1];
    TensorImpl weight = args[2].toOptionalTensor();
    TensorImpl bias = args[3].toOptionalTensor();
    double epsArg = args[4].toDouble();
    TensorImpl out = args[5].toTensor();
    TensorImpl meanOut = args[6].toTensor();
    TensorImpl rstdOut = args[7].toTensor();

    // checks (check_layer_norm_args); the shape's items may be SymInts, so they are checked per call
    ScalarType t = in.dtype();
    Reduction.requireFloating(NAME, "input", t);
    for (TensorImpl o : new TensorImpl[] {weight, bias, out, meanOut, rstdOut}) {
      if (o != null && o.dtype() != t) {
        throw KernelChecks.invalid(NAME, o.describe() + " must have the input's dtype " + t.displayName());
      }
    }
    if (!in.isContiguous()) {
      throw KernelChecks.invalid(NAME, "only the contiguous dim order is supported, not that of " + in.describe());
    }
    float eps = (float) Reduction.roundTo(t, epsArg);
    LayerNormRows rows = LayerNormRows.get();
    float[] stats = new float[2];

    return ctx -> {
      int ndim = shapeArg.intListLength();
      if (ndim < 1 || ndim > in.dim()) {
        throw KernelChecks.invalid(NAME, "normalized_shape must have 1 to " + in.dim() + " dims, not " + ndim);
      }
      int first = in.dim() - ndim;
      for (int d = 0; d < ndim; d++) {
        long s = shapeArg.intListItem(d);
        if (in.size(first + d) != s) {
          throw KernelChecks.invalid(NAME, "normalized_shape " + Arrays.toString(shapeArg.toIntList()) + " does not match the trailing dims of " + in.describe());
        }
        if ((weight != null && (weight.dim() != ndim || weight.size(d) != s))
            || (bias != null && (bias.dim() != ndim || bias.size(d) != s))) {
          throw KernelChecks.invalid(NAME, "weight and bias must have the normalized shape " + Arrays.toString(shapeArg.toIntList()));
        }
      }
      int[] statSizes = in.sizes();
      Arrays.fill(statSizes, first, statSizes.length, 1);
      Reduction.resize(NAME, out, in.sizes());
      Reduction.resize(NAME, meanOut, statSizes);
      Reduction.resize(NAME, rstdOut, statSizes);
      long n = 1;
      for (int d = first; d < in.dim(); d++) {
        n *= in.size(d);
      }
      long m = 1;
      for (int d = 0; d < first; d++) {
        m *= in.size(d);
      }
      if (m == 0) {
        return;
      }
      MemorySegment md = meanOut.data();
      MemorySegment rd = rstdOut.data();
      if (n == 0) {
        for (long i = 0; i < m; i++) {
          Elements.writeDouble(t, md, i, 0);
          Elements.writeDouble(t, rd, i, Double.NaN);
        }
        return;
      }
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      MemorySegment w = weight == null ? null : weight.data();
      MemorySegment b = bias == null ? null : bias.data();
      for (long i = 0; i < m; i++) {
        if (t == ScalarType.FLOAT) {
          rows.row(x, i * n, w, b, y, i * n, (int) n, eps, stats);
        } else {
          row(t, x, i * n, w, b, y, (int) n, eps, stats);
        }
        Elements.writeDouble(t, md, i, stats[0]);
        Elements.writeDouble(t, rd, i, 1.0 / stats[1]);
      }
    };
  }

  /** ExecuTorch's {@code layer_norm_scalar} for float16, bfloat16 and float64 data. */
  private static void row(
      ScalarType t, MemorySegment x, long off, MemorySegment w, MemorySegment b, MemorySegment y, int n, float eps, float[] stats) {
    boolean dbl = t == ScalarType.DOUBLE;
    float sum = 0f;
    float sqSum = 0f;
    for (int j = 0; j < n; j++) {
      double v = Elements.readDouble(t, x, off + j);
      sum = (float) (sum + v);
      // static_cast<float>(x) * x: a float product, or a double one for float64 data
      sqSum = (float) (sqSum + (dbl ? (double) (float) v * v : (double) (float) ((float) v * (float) v)));
    }
    float mean = sum / n;
    float variance = sqSum / n - mean * mean;
    float std = (float) Math.sqrt(variance + eps);
    for (int j = 0; j < n; j++) {
      double v = Elements.readDouble(t, x, off + j);
      double wj = w == null ? 1 : Elements.readDouble(t, w, j);
      double bj = b == null ? 0 : Elements.readDouble(t, b, j);
      double r = dbl ? (v - mean) / std * wj + bj : (float) ((float) ((float) (v - mean) / std) * (float) wj) + (float) bj;
      Elements.writeDouble(t, y, off + j, r);
    }
    stats[0] = mean;
    stats[1] = std;
  }
}
