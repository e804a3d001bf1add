package org.et4j.spark;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one row's value of an input column into its slot of a batch. The value is an array of
 * the row's elements in row-major order (flat), or nested arrays with exactly the tensor's
 * per-row shape, or a plain value when a row has no dimensions. Accepts what Spark hands a
 * function: Scala sequences (rows and UDF arguments), Java lists and Java arrays.
 */
final class RowValues {
  private RowValues() {}

  /**
   * Writes {@code value} as the elements {@code [base, base + rowElements)} of {@code dst}.
   *
   * @return null when written, else what is wrong with the value (for the caller to prefix with
   *     the column and row)
   */
  static String write(TensorColumn spec, Object value, MemorySegment dst, long base) {
    long[] shape = spec.rowShape();
    if (value == null) {
      return "is null; expected " + expected(spec);
    }
    if (shape.length == 0 && !isSequence(value)) {
      String problem = ElementCodec.write(spec.dtype(), value, dst, base);
      return problem == null ? null : problem + "; expected " + expected(spec);
    }
    if (!isSequence(value)) {
      return "is a " + value.getClass().getSimpleName() + "; expected " + expected(spec);
    }
    int n = length(value);
    boolean nested = shape.length >= 2 && n > 0 && isSequence(firstNonNull(value, n));
    if (!nested) {
      int want = spec.rowElements();
      if (n != want) {
        return "has " + n + " elements; expected " + expected(spec);
      }
      for (int i = 0; i < n; i++) {
        String problem = ElementCodec.write(spec.dtype(), get(value, i), dst, base + i);
        if (problem != null) {
          return "element [" + i + "] " + problem + "; expected " + expected(spec);
        }
      }
      return null;
    }
    long[] index = new long[shape.length];
    String problem = writeNested(spec, value, 0, index, dst, base);
    return problem == null ? null : problem + "; expected " + expected(spec);
  }

  private static String writeNested(TensorColumn spec, Object value, int depth, long[] index, MemorySegment dst, long base) {
    long[] shape = spec.rowShape();
    String where = depth == 0 ? "the array" : "element " + indexText(index, depth);
    if (value == null) {
      return where + " is null";
    }
    if (!isSequence(value)) {
      return where + " is a " + value.getClass().getSimpleName() + ", not an array";
    }
    int n = length(value);
    if (n != shape[depth]) {
      return where + " has " + n + " elements, not " + shape[depth];
    }
    if (depth == shape.length - 1) {
      long offset = 0;
      for (int d = 0; d < depth; d++) {
        offset = offset * shape[d] + index[d];
      }
      offset *= shape[depth];
      for (int i = 0; i < n; i++) {
        index[depth] = i;
        String problem = ElementCodec.write(spec.dtype(), get(value, i), dst, base + offset + i);
        if (problem != null) {
          return "element " + indexText(index, depth + 1) + " " + problem;
        }
      }
      return null;
    }
    for (int i = 0; i < n; i++) {
      index[depth] = i;
      String problem = writeNested(spec, get(value, i), depth + 1, index, dst, base);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** {@code an array of 72 float32 values (shape [12, 6], flat row-major or nested)}. */
  static String expected(TensorColumn spec) {
    long[] shape = spec.rowShape();
    if (shape.length == 0) {
      return "one " + spec.dtype().displayName() + " value";
    }
    String text = "an array of " + spec.rowElements() + " " + spec.dtype().displayName() + " values (shape "
        + Arrays.toString(shape);
    return text + (shape.length >= 2 ? ", flat row-major or nested)" : ")");
  }

  private static String indexText(long[] index, int depth) {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < depth; d++) {
      sb.append('[').append(index[d]).append(']');
    }
    return sb.toString();
  }

  private static Object firstNonNull(Object seq, int n) {
    for (int i = 0; i < n; i++) {
      Object e = get(seq, i);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  static boolean isSequence(Object value) {
    return value instanceof scala.collection.Seq<?> || value instanceof List<?> || value != null && value.getClass().isArray();
  }

  static int length(Object seq) {
    return switch (seq) {
      case scala.collection.Seq<?> s -> s.length();
      case List<?> l -> l.size();
      default -> java.lang.reflect.Array.getLength(seq);
    };
  }

  static Object get(Object seq, int i) {
    return switch (seq) {
      case scala.collection.Seq<?> s -> s.apply(i);
      case List<?> l -> l.get(i);
      case Object[] a -> a[i];
      default -> java.lang.reflect.Array.get(seq, i);
    };
  }
}
