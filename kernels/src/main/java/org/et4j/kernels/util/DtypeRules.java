package org.et4j.kernels.util;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.Value;

/**
 * ExecuTorch's dtype rules for kernels: {@code canCast}, the dtype of a Scalar
 * ({@code utils::get_scalar_dtype}), tensor-with-Scalar promotion
 * ({@code utils::promote_type_with_scalar}), the compute type of half types
 * ({@code utils::get_compute_type}), the dtype sets of the {@code ET_SWITCH_*} macros, and
 * {@code utils::scalar_to<CTYPE>} conversions of a Scalar into a compute type.
 */
public final class DtypeRules {
  private DtypeRules() {}

  /**
   * ExecuTorch's {@code canCast}: no floating to integral, no non-bool to bool (complex types are
   * not supported by et4j).
   */
  public static boolean canCast(ScalarType from, ScalarType to) {
    if (from.isFloatingPoint() && to.isIntegral()) {
      return false;
    }
    return from == ScalarType.BOOL || to != ScalarType.BOOL;
  }

  /** The dtype that stands for a Scalar's category: BOOL, LONG or DOUBLE. */
  public static ScalarType scalarDtype(Value scalar) {
    return switch (scalar.tag()) {
      case BOOL -> ScalarType.BOOL;
      case INT -> ScalarType.LONG;
      case DOUBLE -> ScalarType.DOUBLE;
      default ->
          throw new ExecuTorchException(
              ErrorCode.INVALID_ARGUMENT, "expected a Scalar (Int, Double or Bool), found " + scalar);
    };
  }

  /**
   * Tensor-with-Scalar type promotion: a Scalar of the tensor's category (or lower) keeps the
   * tensor's dtype; a floating Scalar with an integral or bool tensor gives FLOAT (not DOUBLE, as
   * in ATen); an integral Scalar with a bool tensor gives LONG.
   */
  public static ScalarType promoteWithScalar(ScalarType t, Value scalar) {
    return switch (scalarDtype(scalar)) {
      case DOUBLE -> t.isFloatingPoint() ? t : ScalarType.FLOAT;
      case LONG -> t.isFloatingPoint() || t.isIntegral() ? t : ScalarType.LONG;
      default -> t;
    };
  }

  /** float16 and bfloat16 compute in float32, as ExecuTorch's {@code get_compute_type}. */
  public static ScalarType computeType(ScalarType common) {
    return common == ScalarType.HALF || common == ScalarType.BFLOAT16 ? ScalarType.FLOAT : common;
  }

  /** The signed integer types, uint8 and bool ({@code INTB}). */
  public static boolean isIntB(ScalarType t) {
    return switch (t) {
      case BYTE, CHAR, SHORT, INT, LONG, BOOL -> true;
      default -> false;
    };
  }

  /** uint8, int8-int64, float32 and float64 ({@code REAL}). */
  public static boolean isReal(ScalarType t) {
    return switch (t) {
      case BYTE, CHAR, SHORT, INT, LONG, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** {@code REAL} plus float16 and bfloat16 ({@code REALHBF16}). */
  public static boolean isRealHBF16(ScalarType t) {
    return isReal(t) || t == ScalarType.HALF || t == ScalarType.BFLOAT16;
  }

  /** {@code REALHBF16} plus bool ({@code REALHBBF16}): every dtype the portable math kernels read. */
  public static boolean isRealHBBF16(ScalarType t) {
    return isRealHBF16(t) || t == ScalarType.BOOL;
  }

  /** float16, bfloat16, float32, float64 ({@code FLOATHBF16}). */
  public static boolean isFloatHBF16(ScalarType t) {
    return t.isFloatingPoint();
  }

  /**
   * A Scalar converted to a floating compute type ({@code scalar_to<float>} or {@code <double>}):
   * rounded to float32 when {@code compute} is FLOAT.
   */
  public static double scalarAsDouble(Value scalar, ScalarType compute) {
    double v = scalar.isDouble() ? scalar.toDouble() : (double) scalar.scalarToLong();
    if (compute == ScalarType.FLOAT) {
      return scalar.isInt() ? (float) scalar.toInt() : (float) v;
    }
    return v;
  }

  /**
   * A Scalar converted to an integral or bool compute type ({@code scalar_to<int32_t>} etc.): a
   * Double truncates toward zero, then the value wraps to the compute type.
   */
  public static long scalarAsLong(Value scalar, ScalarType compute) {
    if (compute == ScalarType.BOOL) {
      return scalar.isDouble() ? (scalar.toDouble() != 0.0 ? 1 : 0) : (scalar.scalarToLong() != 0 ? 1 : 0);
    }
    long v = scalar.isDouble() ? Elements.doubleToLong(scalar.toDouble()) : scalar.scalarToLong();
    return wrap(compute, v);
  }

  /** {@code v} wrapped to an integral type the way a C++ narrowing cast does; bool is v != 0. */
  public static long wrap(ScalarType t, long v) {
    return switch (t) {
      case BYTE -> v & 0xFF;
      case CHAR -> (byte) v;
      case SHORT -> (short) v;
      case INT -> (int) v;
      case BOOL -> v != 0 ? 1 : 0;
      default -> v;
    };
  }

  /** {@code v} rounded to a floating compute type (float32 rounding for FLOAT, HALF, BFLOAT16). */
  public static double round(ScalarType t, double v) {
    return t == ScalarType.DOUBLE ? v : (double) (float) v;
  }
}
