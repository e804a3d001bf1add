package org.et4j.spark;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigDecimal;
import java.nio.ByteOrder;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.et4j.runtime.ScalarType;

/**
 * Converts between Spark values and tensor elements: which Spark element types a tensor of a
 * dtype accepts, how one element is written into a batch, how one row of an output is read.
 *
 * <p>Floating inputs take any Spark number (a double column feeding a float32 input is rounded
 * to nearest, as a cast would); integer inputs take integer values only, range-checked; bool
 * inputs take booleans.
 */
final class ElementCodec {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private ElementCodec() {}

  /** Whether et4j's Spark binding handles tensors of {@code dtype}. */
  static boolean supported(ScalarType dtype) {
    return switch (dtype) {
      case FLOAT, DOUBLE, INT, LONG, SHORT, CHAR, BYTE, BOOL -> true;
      default -> false;
    };
  }

  /** The Spark type of one element of an output tensor of {@code dtype}. */
  static DataType sparkType(ScalarType dtype) {
    return switch (dtype) {
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case SHORT, BYTE -> DataTypes.ShortType; // uint8 0..255 fits a short, not a Spark byte
      case CHAR -> DataTypes.ByteType;
      case BOOL -> DataTypes.BooleanType;
      default -> throw unsupported(dtype);
    };
  }

  static IllegalArgumentException unsupported(ScalarType dtype) {
    return new IllegalArgumentException(
        "tensors of dtype " + dtype.displayName() + " cannot be Spark columns; et4j-spark binds float32,"
            + " float64, int8, uint8, int16, int32, int64 and bool tensors");
  }

  /** Whether a column whose innermost element type is {@code element} can feed a {@code dtype} input. */
  static boolean accepts(ScalarType dtype, DataType element) {
    boolean integral =
        element instanceof ByteType || element instanceof ShortType || element instanceof IntegerType
            || element instanceof LongType;
    return switch (dtype) {
      case FLOAT, DOUBLE -> integral || element instanceof FloatType || element instanceof DoubleType
          || element instanceof DecimalType;
      case INT, LONG, SHORT, CHAR, BYTE -> integral;
      case BOOL -> element instanceof BooleanType;
      default -> false;
    };
  }

  /** What a column of {@code dtype} elements may hold, for messages. */
  static String acceptedTypes(ScalarType dtype) {
    return switch (dtype) {
      case FLOAT, DOUBLE -> "numbers (float, double, decimal or integer)";
      case BOOL -> "booleans";
      default -> "integers (tinyint, smallint, int or bigint)";
    };
  }

  /**
   * Writes one element at element index {@code at} of {@code dst}.
   *
   * @return null when written, else what is wrong with {@code value}
   */
  static String write(ScalarType dtype, Object value, MemorySegment dst, long at) {
    if (value == null) {
      return "is null";
    }
    switch (dtype) {
      case FLOAT, DOUBLE -> {
        double d;
        if (value instanceof Number n && !(value instanceof BigDecimal)) {
          d = n.doubleValue();
          if (dtype == ScalarType.FLOAT && value instanceof Float f) {
            dst.setAtIndex(F32, at, f);
            return null;
          }
        } else if (value instanceof BigDecimal b) {
          d = b.doubleValue();
        } else if (value instanceof org.apache.spark.sql.types.Decimal b) {
          d = b.toDouble();
        } else {
          return "is a " + value.getClass().getSimpleName() + ", not a number";
        }
        if (dtype == ScalarType.FLOAT) {
          dst.setAtIndex(F32, at, (float) d);
        } else {
          dst.setAtIndex(F64, at, d);
        }
        return null;
      }
      case INT, LONG, SHORT, CHAR, BYTE -> {
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
          return "is a " + value.getClass().getSimpleName() + ", not an integer";
        }
        long v = ((Number) value).longValue();
        long min = switch (dtype) {
          case INT -> Integer.MIN_VALUE;
          case SHORT -> Short.MIN_VALUE;
          case CHAR -> Byte.MIN_VALUE;
          case BYTE -> 0;
          default -> Long.MIN_VALUE;
        };
        long max = switch (dtype) {
          case INT -> Integer.MAX_VALUE;
          case SHORT -> Short.MAX_VALUE;
          case CHAR -> Byte.MAX_VALUE;
          case BYTE -> 255;
          default -> Long.MAX_VALUE;
        };
        if (v < min || v > max) {
          return "is " + v + ", outside " + dtype.displayName() + " [" + min + ", " + max + "]";
        }
        switch (dtype) {
          case INT -> dst.setAtIndex(I32, at, (int) v);
          case LONG -> dst.setAtIndex(I64, at, v);
          case SHORT -> dst.setAtIndex(I16, at, (short) v);
          default -> dst.set(ValueLayout.JAVA_BYTE, at, (byte) v);
        }
        return null;
      }
      case BOOL -> {
        if (!(value instanceof Boolean b)) {
          return "is a " + value.getClass().getSimpleName() + ", not a boolean";
        }
        dst.set(ValueLayout.JAVA_BYTE, at, (byte) (b ? 1 : 0));
        return null;
      }
      default -> throw unsupported(dtype);
    }
  }

  /**
   * One row of an output: {@code count} elements from element index {@code from} of {@code
   * src}, as the Java array Spark stores for the column ({@code float[]}, {@code long[]}, ...),
   * or the single element boxed when the output has no dimensions per row.
   */
  static Object readRow(ScalarType dtype, MemorySegment src, long from, int count, boolean scalar) {
    Object row =
        switch (dtype) {
          case FLOAT -> {
            float[] a = new float[count];
            MemorySegment.copy(src, F32, from * 4, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case DOUBLE -> {
            double[] a = new double[count];
            MemorySegment.copy(src, F64, from * 8, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case INT -> {
            int[] a = new int[count];
            MemorySegment.copy(src, I32, from * 4, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case LONG -> {
            long[] a = new long[count];
            MemorySegment.copy(src, I64, from * 8, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case SHORT -> {
            short[] a = new short[count];
            MemorySegment.copy(src, I16, from * 2, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case BYTE -> {
            short[] a = new short[count];
            for (int i = 0; i < count; i++) {
              a[i] = (short) (src.get(ValueLayout.JAVA_BYTE, from + i) & 0xFF);
            }
            yield scalar ? (Object) a[0] : a;
          }
          case CHAR -> {
            byte[] a = new byte[count];
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, from, a, 0, count);
            yield scalar ? (Object) a[0] : a;
          }
          case BOOL -> {
            boolean[] a = new boolean[count];
            for (int i = 0; i < count; i++) {
              a[i] = src.get(ValueLayout.JAVA_BYTE, from + i) != 0;
            }
            yield scalar ? (Object) a[0] : a;
          }
          default -> throw unsupported(dtype);
        };
    return row;
  }
}
