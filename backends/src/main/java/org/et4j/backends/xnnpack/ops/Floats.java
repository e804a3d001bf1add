package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.kernels.util.Elements;

/**
 * Element access for the floating datatypes of XNNPACK values. fp16 and bf16 values are computed
 * in float32 and rounded once when stored, as XNNPACK's x86 kernels for those types do for
 * elementwise operations.
 */
final class Floats {
  static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private Floats() {}

  static float get(XnnDatatype t, MemorySegment s, long i) {
    return switch (t) {
      case FP32 -> s.getAtIndex(F32, i);
      case FP16 -> Float.float16ToFloat(s.getAtIndex(I16, i));
      case BF16 -> Elements.bf16ToFloat(s.getAtIndex(I16, i));
      default -> throw new IllegalStateException("not a floating datatype: " + t);
    };
  }

  static void set(XnnDatatype t, MemorySegment s, long i, float v) {
    switch (t) {
      case FP32 -> s.setAtIndex(F32, i, v);
      case FP16 -> s.setAtIndex(I16, i, Float.floatToFloat16(v));
      case BF16 -> s.setAtIndex(I16, i, Elements.floatToBf16(v));
      default -> throw new IllegalStateException("not a floating datatype: " + t);
    }
  }

  static boolean isFloating(XnnDatatype t) {
    return t == XnnDatatype.FP32 || t == XnnDatatype.FP16 || t == XnnDatatype.BF16;
  }

  /** A same-type strided copy of elements of {@code t} (bytes move; no conversion). */
  static org.et4j.kernels.util.StridedCopy stridedCopy(
      XnnDatatype t, long srcOffset, int[] sizes, long[] srcStrides, long dstOffset, long[] dstStrides) {
    org.et4j.runtime.ScalarType bytes = switch (t.elementSize()) {
      case 4 -> org.et4j.runtime.ScalarType.INT;
      case 2 -> org.et4j.runtime.ScalarType.SHORT;
      default -> org.et4j.runtime.ScalarType.CHAR;
    };
    return org.et4j.kernels.util.StridedCopy.of(bytes, srcOffset, sizes, srcStrides, bytes, dstOffset, dstStrides);
  }

  /** Row-major strides, in elements, of {@code dims}. */
  static long[] contiguousStrides(int[] dims) {
    long[] s = new long[dims.length];
    long n = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = n;
      n *= dims[i];
    }
    return s;
  }

  /** XNNPACK's output clamp: {@code min(max(x, lo), hi)}. */
  static float clamp(float x, float lo, float hi) {
    return Math.min(Math.max(x, lo), hi);
  }
}
