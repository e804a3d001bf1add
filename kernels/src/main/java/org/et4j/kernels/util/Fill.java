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
}
