package org.et4j.kernels.util;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;

/**
 * Element access by dtype for the scalar (reference) kernels: reads and writes one element of a
 * tensor's data as a double or a long, whatever its ScalarType. Layouts are little-endian and
 * unaligned, because tensor data may sit anywhere in a mapped file. Conversions follow PyTorch's
 * {@code static_cast} rules: float to integer truncates toward zero; float16 and bfloat16 round to
 * nearest even.
 */
public final class Elements {
  public static final ValueLayout.OfShort I16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfLong I64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  public static final ValueLayout.OfDouble F64 =
      ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private Elements() {}

  /** Element {@code i} (in storage order) as a double. */
  public static double readDouble(ScalarType t, MemorySegment s, long i) {
    return switch (t) {
      case FLOAT -> s.getAtIndex(F32, i);
      case DOUBLE -> s.getAtIndex(F64, i);
      case HALF -> Float.float16ToFloat(s.getAtIndex(I16, i));
      case BFLOAT16 -> bf16ToFloat(s.getAtIndex(I16, i));
      case BYTE -> s.get(JAVA_BYTE, i) & 0xFF;
      case CHAR -> s.get(JAVA_BYTE, i);
      case SHORT -> s.getAtIndex(I16, i);
      case INT -> s.getAtIndex(I32, i);
      case LONG -> (double) s.getAtIndex(I64, i);
      case BOOL -> s.get(JAVA_BYTE, i) != 0 ? 1.0 : 0.0;
      case UINT16 -> s.getAtIndex(I16, i) & 0xFFFF;
      case UINT32 -> s.getAtIndex(I32, i) & 0xFFFFFFFFL;
      default -> throw unsupported(t);
    };
  }

  /** Element {@code i} as a long (floats truncate toward zero). */
  public static long readLong(ScalarType t, MemorySegment s, long i) {
    return switch (t) {
      case BYTE -> s.get(JAVA_BYTE, i) & 0xFF;
      case CHAR -> s.get(JAVA_BYTE, i);
      case SHORT -> s.getAtIndex(I16, i);
      case INT -> s.getAtIndex(I32, i);
      case LONG, UINT64 -> s.getAtIndex(I64, i);
      case BOOL -> s.get(JAVA_BYTE, i) != 0 ? 1 : 0;
      case UINT16 -> s.getAtIndex(I16, i) & 0xFFFF;
      case UINT32 -> s.getAtIndex(I32, i) & 0xFFFFFFFFL;
      case FLOAT, DOUBLE, HALF, BFLOAT16 -> (long) readDouble(t, s, i);
      default -> throw unsupported(t);
    };
  }

  /** Element {@code i} as a bool (non-zero is true). */
  public static boolean readBool(ScalarType t, MemorySegment s, long i) {
    return t.isFloatingPoint() ? readDouble(t, s, i) != 0.0 : readLong(t, s, i) != 0;
  }

  /** Writes {@code v} converted to {@code t} as element {@code i}. */
  public static void writeDouble(ScalarType t, MemorySegment s, long i, double v) {
    switch (t) {
      case FLOAT -> s.setAtIndex(F32, i, (float) v);
      case DOUBLE -> s.setAtIndex(F64, i, v);
      case HALF -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
      case BFLOAT16 -> s.setAtIndex(I16, i, floatToBf16((float) v));
      case BOOL -> s.set(JAVA_BYTE, i, (byte) (v != 0.0 ? 1 : 0));
      // Narrow integer types convert through int32, as x86 code compiled from ExecuTorch's
      // static_cast does (cvttss2si / cvttsd2si with a 32-bit destination).
      case INT -> s.setAtIndex(I32, i, doubleToInt(v));
      case SHORT, UINT16 -> s.setAtIndex(I16, i, (short) doubleToInt(v));
      case BYTE, CHAR -> s.set(JAVA_BYTE, i, (byte) doubleToInt(v));
      default -> writeLong(t, s, i, doubleToLong(v));
    }
  }

  /**
   * A double cast to int32 as x86's cvttsd2si does: truncation for in-range values, and the
   * "integer indefinite" value {@code Integer.MIN_VALUE} for NaN and out-of-range values.
   */
  public static int doubleToInt(double v) {
    if (Double.isNaN(v) || v >= 0x1p31 || v < -0x1p31) {
      return Integer.MIN_VALUE;
    }
    return (int) v;
  }

  /** Writes {@code v} converted to {@code t} as element {@code i} (integers wrap like C casts). */
  public static void writeLong(ScalarType t, MemorySegment s, long i, long v) {
    switch (t) {
      case BYTE, CHAR -> s.set(JAVA_BYTE, i, (byte) v);
      case SHORT, UINT16 -> s.setAtIndex(I16, i, (short) v);
      case INT, UINT32 -> s.setAtIndex(I32, i, (int) v);
      case LONG, UINT64 -> s.setAtIndex(I64, i, v);
      case BOOL -> s.set(JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
      case FLOAT -> s.setAtIndex(F32, i, (float) v);
      case DOUBLE -> s.setAtIndex(F64, i, (double) v);
      case HALF -> s.setAtIndex(I16, i, Float.floatToFloat16((float) v));
      case BFLOAT16 -> s.setAtIndex(I16, i, floatToBf16((float) v));
      default -> throw unsupported(t);
    }
  }

  /**
   * A double cast to an integer the way C++ does on x86 for in-range values (truncation); out of
   * range and NaN give {@code Long.MIN_VALUE}, as cvttsd2si does.
   */
  public static long doubleToLong(double v) {
    if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
      return Long.MIN_VALUE;
    }
    return (long) v;
  }

  /** bfloat16 bits to float. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** float to bfloat16 bits, rounding to nearest even; NaN becomes the canonical quiet NaN. */
  public static short floatToBf16(float f) {
    if (Float.isNaN(f)) {
      return (short) 0x7FC0;
    }
    int bits = Float.floatToRawIntBits(f);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** The error for a dtype a kernel does not handle. */
  public static ExecuTorchException unsupported(ScalarType t) {
    return new ExecuTorchException(
        ErrorCode.INVALID_ARGUMENT, "dtype " + t.displayName() + " is not supported here");
  }
}
