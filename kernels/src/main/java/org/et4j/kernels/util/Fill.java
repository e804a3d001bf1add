package org.et4j.kernels.util;

import java.lang.foreign.MemorySegment;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.Value;

/**
 * Fills tensor storage with one value: the compute step of ExecuTorch's {@code full}, {@code
 * fill}, {@code zeros}, {@code ones} and the padding of {@code constant_pad_nd}. The value is
 * converted once (C++ {@code static_cast} rules), written as the first element, and then
 * replicated with doubling bulk copies.
 */
public final class Fill {
  private Fill() {}

  /** Writes a Scalar argument (Int, Double or Bool) converted to {@code dtype} as element 0 of {@code one}. */
  public static void writeScalar(ScalarType dtype, MemorySegment one, Value scalar) {
    switch (scalar.tag()) {
      case DOUBLE -> Elements.writeDouble(dtype, one, 0, scalar.toDouble());
      case BOOL -> Elements.writeLong(dtype, one, 0, scalar.toBool() ? 1 : 0);
      default -> Elements.writeLong(dtype, one, 0, scalar.toInt());
    }
  }

  /** Fills the first {@code count} elements of {@code data} with a copy of element {@code 0}'s bytes of {@code pattern}. */
  public static void replicate(MemorySegment pattern, int elementSize, MemorySegment data, long count) {
    if (count <= 0) {
      return;
    }
    long total = count * elementSize;
    MemorySegment.copy(pattern, 0, data, 0, elementSize);
    long done = elementSize;
    while (done < total) {
      long n = Math.min(done, total - done);
      MemorySegment.copy(data, 0, data, done, n);
      done += n;
    }
  }

  /** Fills {@code count} elements of {@code data} (of {@code dtype}) with the Scalar {@code value}. */
  public static void fill(ScalarType dtype, MemorySegment data, long count, Value value) {
    if (count <= 0) {
      return;
    }
    writeScalar(dtype, data, value);
    replicate(data, dtype.elementSize(), data, count);
  }

  /**
   * Checks, as ExecuTorch's {@code check_overflow_scalar_cast}, that the Scalar {@code value} fits
   * {@code dtype}: integers within range (unsigned types also take negatives down to -max, which
   * wrap), floats within the finite range (infinities and NaN pass for floating types); conversion
   * to bool never fails.
   *
   * @throws org.et4j.runtime.ExecuTorchException InvalidArgument naming {@code op}
   */
  public static void checkFits(String op, ScalarType dtype, Value value) {
    if (dtype == ScalarType.BOOL || value.isBool()) {
      return;
    }
    double lo;
    double hi;
    switch (dtype) {
      case BYTE -> { lo = 0; hi = 255; }
      case CHAR -> { lo = -128; hi = 127; }
      case SHORT -> { lo = Short.MIN_VALUE; hi = Short.MAX_VALUE; }
      case INT -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
      case LONG -> { lo = -0x1p63; hi = 0x1p63; }
      case HALF -> { lo = -65504; hi = 65504; }
      case BFLOAT16 -> { lo = -0x1.fep127; hi = 0x1.fep127; }
      case FLOAT -> { lo = -Float.MAX_VALUE; hi = Float.MAX_VALUE; }
      case DOUBLE -> { return; }
      default -> throw Elements.unsupported(dtype);
    }
    boolean overflows;
    if (value.isDouble()) {
      double v = value.toDouble();
      if (dtype.isFloatingPoint()) {
        overflows = !Double.isInfinite(v) && !Double.isNaN(v) && (v < lo || v > hi);
      } else {
        overflows = Double.isNaN(v) || v < lo || v > hi;
      }
    } else {
      long v = value.toInt();
      if (dtype == ScalarType.LONG) {
        overflows = false;
      } else if (dtype == ScalarType.BYTE) {
        overflows = v > 255 || v < -255;
      } else {
        overflows = v < lo || v > hi;
      }
    }
    if (overflows) {
      throw new org.et4j.runtime.ExecuTorchException(
          org.et4j.runtime.ErrorCode.INVALID_ARGUMENT,
          op + ": value " + value + " does not fit " + dtype.displayName());
    }
  }
}
