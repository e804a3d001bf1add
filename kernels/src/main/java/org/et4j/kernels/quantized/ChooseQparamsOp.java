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
 * {@code quantized_decomposed::choose_qparams.Tensor_out(Tensor input, int quant_min, int
 * quant_max, float eps, ScalarType dtype, *, Tensor(a!) scale_out, Tensor(b!) zero_point_out)} and
 * {@code quantized_decomposed::choose_qparams_per_token_asymmetric.out(Tensor input, ScalarType
 * dtype, *, Tensor(a!) scale_out, Tensor(b!) zero_point_out)}, as ExecuTorch's
 * {@code op_choose_qparams.cpp}: asymmetric parameters from the float32 input's min and max
 * (widened to include 0), a float64 scale and an int64 zero point; tiny scales are raised to
 * 6.1e-5. {@code eps} is unused, as in ExecuTorch. Per token, quant range is [-128, 127] and each
 * row of the last dim gets its own parameters.
 */
public final class ChooseQparamsOp {
  static final String NAME = "quantized_decomposed::choose_qparams.Tensor_out";
  static final String PER_TOKEN_NAME = "quantized_decomposed::choose_qparams_per_token_asymmetric.out";
  private static final float SMALL_SCALE_THRESHOLD = 6.1e-5f;

  private ChooseQparamsOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, ChooseQparamsOp::bindPerTensor);
    r.register(PER_TOKEN_NAME, ChooseQparamsOp::bindPerToken);
  }

  private static void check(String op, TensorImpl in, long qmin, long qmax, TensorImpl scale, TensorImpl zp) {
    if (qmin >= qmax) {
      throw KernelChecks.invalid(op, "qmin should be less than qmax, but received min: " + qmin + ", max " + qmax);
    }
    if (in.dtype() != ScalarType.FLOAT) {
      throw KernelChecks.invalid(op, "input " + in.describe() + " must be float32");
    }
    if (scale.dtype() != ScalarType.DOUBLE || zp.dtype() != ScalarType.LONG) {
      throw KernelChecks.invalid(op, "scale_out must be float64 and zero_point_out int64, not " + scale.describe() + ", " + zp.describe());
    }
    Quant.requireContiguous(op, in, scale, zp);
  }

  private static KernelCall bindPerTensor(Value[] args) {
    KernelChecks.argSlots(NAME, args, 7);
    TensorImpl in = args[0].toTensor();
    long qmin = args[1].toInt();
    long qmax = args[2].toInt();
    TensorImpl scale = args[5].toTensor();
    TensorImpl zp = args[6].toTensor();
    check(NAME, in, qmin, qmax, scale, zp);
    if (scale.numel() != 1 || zp.numel() != 1) {
      throw KernelChecks.invalid(NAME, "scale_out and zero_point_out must have one element");
    }
    double[] tmp = new double[1];
    return ctx -> {
      if (in.numel() == 0) {
        throw KernelChecks.invalid(NAME, "cannot choose parameters for the empty tensor " + in.describe());
      }
      write(in.data(), 0, in.numel(), (int) qmin, (int) qmax, scale.data(), zp.data(), 0, tmp);
    };
  }

  private static KernelCall bindPerToken(Value[] args) {
    KernelChecks.argSlots(PER_TOKEN_NAME, args, 4);
    TensorImpl in = args[0].toTensor();
    TensorImpl scale = args[2].toTensor();
    TensorImpl zp = args[3].toTensor();
    check(PER_TOKEN_NAME, in, -128, 127, scale, zp);
    if (in.dim() < 1) {
      throw KernelChecks.invalid(PER_TOKEN_NAME, "input must have at least one dim");
    }
    double[] tmp = new double[1];
    return ctx -> {
      int[] sizes = in.sizes();
      sizes[sizes.length - 1] = 1;
      Quant.resize(PER_TOKEN_NAME, scale, sizes);
      Quant.resize(PER_TOKEN_NAME, zp, sizes);
      int n = in.size(in.dim() - 1);
      long tokens = scale.numel();
      if (n == 0 && tokens > 0) {
        throw KernelChecks.invalid(PER_TOKEN_NAME, "cannot choose parameters for empty tokens of " + in.describe());
      }
      for (long i = 0; i < tokens; i++) {
        write(in.data(), i * n, n, -128, 127, scale.data(), zp.data(), i, tmp);
      }
    };
  }

  private static void write(
      MemorySegment x,
      long off,
      long n,
      int qmin,
      int qmax,
      MemorySegment scaleOut,
      MemorySegment zpOut,
      long ix,
      double[] scale) {
    // std::min_element / std::max_element: the first extreme, NaN never replaces nor is replaced
    float min = x.getAtIndex(Elements.F32, off);
    float max = min;
    for (long j = 1; j < n; j++) {
      float v = x.getAtIndex(Elements.F32, off + j);
      if (v < min) {
        min = v;
      }
      if (max < v) {
        max = v;
      }
    }
    long zp = scaleAndZeroPoint(min, max, qmin, qmax, scale);
    scaleOut.setAtIndex(Elements.F64, ix, scale[0]);
    zpOut.setAtIndex(Elements.I64, ix, zp);
  }

  /** ExecuTorch's {@code calculate_scale_and_zero_point}; the scale goes to {@code scaleOut[0]}. */
  static long scaleAndZeroPoint(float min, float max, int qmin, int qmax, double[] scaleOut) {
    min = 0f < min ? 0f : min;
    max = max < 0f ? 0f : max;
    double scale = ((double) max - min) / (qmax - qmin);
    if ((float) scale == 0.0f || Float.isInfinite(1.0f / (float) scale)) {
      scale = 0.1;
    }
    if (scale < SMALL_SCALE_THRESHOLD) {
      float orgScale = (float) scale;
      scale = SMALL_SCALE_THRESHOLD;
      if (min == 0.0f) {
        max = SMALL_SCALE_THRESHOLD * (qmax - qmin);
      } else if (max == 0.0f) {
        min = -SMALL_SCALE_THRESHOLD * (qmax - qmin);
      } else {
        float amplifier = SMALL_SCALE_THRESHOLD / orgScale;
        min *= amplifier;
        max *= amplifier;
      }
    }
    double fromMin = qmin - min / scale;
    double fromMax = qmax - max / scale;
    double fromMinError = Math.abs(qmin) - Math.abs(min / scale);
    double fromMaxError = Math.abs(qmax) - Math.abs(max / scale);
    double initial = fromMinError < fromMaxError ? fromMin : fromMax;
    int nudged;
    if (initial < qmin) {
      nudged = qmin;
    } else if (initial > qmax) {
      nudged = qmax;
    } else {
      nudged = (int) Math.rint((float) initial);
    }
    scaleOut[0] = scale;
    return nudged;
  }
}
