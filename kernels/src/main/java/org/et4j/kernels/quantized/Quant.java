package org.et4j.kernels.quantized;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * What the quantized kernels share: reading and writing the integer storage types (including
 * {@code bits16}), ExecuTorch's {@code quantize_val} rounding, and argument checks. ExecuTorch
 * aborts on a bad argument here ({@code ET_CHECK_MSG}); et4j reports InvalidArgument instead.
 */
final class Quant {
  private Quant() {}

  static ScalarType dtype(String op, Value v) {
    ScalarType t = ScalarType.fromCodeOrNull((int) v.toInt());
    if (t == null) {
      throw KernelChecks.invalid(op, "unknown dtype code " + v.toInt());
    }
    return t;
  }

  static ScalarType optionalDtype(String op, Value v) {
    return v == null || v.isNone() ? null : dtype(op, v);
  }

  /** Integer element {@code i} of a quantized tensor's storage. */
  static long read(ScalarType t, MemorySegment s, long i) {
    return switch (t) {
      case BYTE -> s.get(JAVA_BYTE, i) & 0xFF;
      case CHAR -> s.get(JAVA_BYTE, i);
      case SHORT -> s.getAtIndex(Elements.I16, i);
      case BITS16, UINT16 -> s.getAtIndex(Elements.I16, i) & 0xFFFF;
      case INT -> s.getAtIndex(Elements.I32, i);
      case LONG -> s.getAtIndex(Elements.I64, i);
      default -> throw Elements.unsupported(t);
    };
  }

  /** Writes {@code v} cast (wrapping) to the storage type {@code t}. */
  static void write(ScalarType t, MemorySegment s, long i, long v) {
    switch (t) {
      case BYTE, CHAR -> s.set(JAVA_BYTE, i, (byte) v);
      case SHORT, BITS16, UINT16 -> s.setAtIndex(Elements.I16, i, (short) v);
      case INT -> s.setAtIndex(Elements.I32, i, (int) v);
      case LONG -> s.setAtIndex(Elements.I64, i, v);
      default -> throw Elements.unsupported(t);
    }
  }

  /**
   * ExecuTorch's {@code quantize_val}: {@code inv_scale = 1.0f / (float) scale}; the product with
   * the value is rounded to float and then to nearest even ({@code std::nearbyint}); the zero
   * point (as int32) is added in float; the float goes to int64 as x86 truncation does (NaN and
   * out of range give INT64_MIN); the result is clamped to {@code [qmin, qmax]}.
   *
   * @param product {@code (float) (inv_scale * value)}
   */
  static long quantize(float product, long zeroPoint, long qmin, long qmax) {
    float rounded = (float) Math.rint(product);
    float sum = (float) (int) zeroPoint + rounded;
    long q = Elements.doubleToLong(sum);
    return Math.min(Math.max(q, qmin), qmax);
  }

  /** {@code (float) (inv_scale * value)} for a value of the floating type {@code t}. */
  static float product(ScalarType t, float invScale, MemorySegment s, long i) {
    if (t == ScalarType.DOUBLE) {
      return (float) (invScale * s.getAtIndex(Elements.F64, i));
    }
    return invScale * (float) Elements.readDouble(t, s, i);
  }

  /** float32, float64 or float16: ExecuTorch's FLOATH, what quantize accepts. */
  static void requireFloatH(String op, String what, ScalarType t) {
    if (t != ScalarType.FLOAT && t != ScalarType.DOUBLE && t != ScalarType.HALF) {
      throw KernelChecks.invalid(op, what + " must be float32, float64 or float16, not " + t.displayName());
    }
  }

  /** ExecuTorch's {@code check_quantize_per_tensor_args} of {@code op_quantize.cpp}. */
  static void checkQuantize(String op, TensorImpl in, long qmin, long qmax, ScalarType dtype, TensorImpl out) {
    requireFloatH(op, "input", in.dtype());
    if (out.dtype() != dtype) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " does not match dtype " + dtype.displayName());
    }
    long lo;
    long hi;
    switch (dtype) {
      case BYTE -> {
        lo = 0;
        hi = 255;
      }
      case CHAR -> {
        lo = -128;
        hi = 127;
      }
      case BITS16, UINT16 -> {
        lo = 0;
        hi = 65535;
      }
      case SHORT -> {
        lo = Short.MIN_VALUE;
        hi = Short.MAX_VALUE;
      }
      case INT -> {
        lo = Integer.MIN_VALUE;
        hi = Integer.MAX_VALUE;
      }
      default -> throw KernelChecks.invalid(op, "unsupported dtype " + dtype.displayName());
    }
    if (qmin < lo) {
      throw KernelChecks.invalid(op, "quant_min " + qmin + " is below " + lo + ", the lower bound of " + dtype.displayName());
    }
    if (qmax > hi) {
      throw KernelChecks.invalid(op, "quant_max " + qmax + " is above " + hi + ", the upper bound of " + dtype.displayName());
    }
  }

  /** ExecuTorch's {@code check_dequantize_per_tensor_args} of {@code op_dequantize.cpp}. */
  static void checkDequantize(
      String op, TensorImpl in, long qmin, long qmax, ScalarType dtype, ScalarType outDtype, TensorImpl out) {
    switch (in.dtype()) {
      case BYTE, CHAR, BITS16, UINT16, SHORT, INT -> {}
      default -> throw KernelChecks.invalid(op, "input dtype " + in.dtype().displayName() + " is not supported");
    }
    if (in.dtype() != dtype) {
      throw KernelChecks.invalid(op, "input " + in.describe() + " does not match dtype " + dtype.displayName());
    }
    if (outDtype != null && out.dtype() != outDtype) {
      throw KernelChecks.invalid(op, "out_dtype " + outDtype.displayName() + " must match out " + out.describe());
    }
    requireFloatH(op, "out", out.dtype());
    if (qmin > qmax) {
      throw KernelChecks.invalid(op, "quant_min " + qmin + " is greater than quant_max " + qmax);
    }
  }

  /** Requires the default dim order, which ExecuTorch's flat loops assume. */
  static void requireContiguous(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      if (t != null && !t.isContiguous()) {
        throw KernelChecks.invalid(op, t.describe() + " must have the contiguous dim order");
      }
    }
  }

  /**
   * Requires one dim order for tensors that are processed element by element in storage order
   * (any dim order works then, as in ExecuTorch's flat loops).
   */
  static void requireSameDimOrder(String op, TensorImpl first, TensorImpl... others) {
    for (TensorImpl t : others) {
      if (!java.util.Arrays.equals(first.dimOrder(), t.dimOrder())) {
        throw KernelChecks.invalid(op, first.describe() + " and " + t.describe() + " must have the same dim order");
      }
    }
  }

  /** Resizes, naming the operator when that is not allowed. */
  static void resize(String op, TensorImpl t, int[] sizes) {
    if (t.dim() != sizes.length) {
      throw KernelChecks.invalid(op, t.describe() + " must have rank " + sizes.length);
    }
    try {
      t.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": " + e.detail(), e);
    }
  }

  /** {@code v} rounded to float16 or bfloat16 precision when {@code t} is one of them. */
  static double roundTo(ScalarType t, double v) {
    return switch (t) {
      case FLOAT -> (float) v;
      case HALF -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BFLOAT16 -> Elements.bf16ToFloat(Elements.floatToBf16((float) v));
      default -> v;
    };
  }
}
