package org.et4j.djl;

import ai.djl.ndarray.types.Shape;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.Value;

/**
 * The result dtype and shape of an elementwise operation, decided before the kernel runs because
 * the kernel writes into an {@code out} tensor its caller allocates. The rules are PyTorch's (and
 * so the portable kernels' own checks): a floating type wins over integers, the wider type wins
 * within a kind, uint8 with int8 gives int16; a Python-style scalar only lifts an integer tensor to
 * float32 (a floating scalar) or a bool tensor to int64 (an integer scalar). Shapes broadcast as in
 * NumPy.
 */
final class Promotion {
  private Promotion() {}

  static ScalarType promote(ScalarType a, ScalarType b) {
    if (a == b) {
      return a;
    }
    if (a.isFloatingPoint() || b.isFloatingPoint()) {
      if (!a.isFloatingPoint()) {
        return b;
      }
      if (!b.isFloatingPoint()) {
        return a;
      }
      if (a == ScalarType.DOUBLE || b == ScalarType.DOUBLE) {
        return ScalarType.DOUBLE;
      }
      // float32 with a 16-bit float, or float16 with bfloat16: float32.
      return ScalarType.FLOAT;
    }
    if (a == ScalarType.BOOL) {
      return b;
    }
    if (b == ScalarType.BOOL) {
      return a;
    }
    if ((a == ScalarType.BYTE && b == ScalarType.CHAR)
        || (a == ScalarType.CHAR && b == ScalarType.BYTE)) {
      return ScalarType.SHORT;
    }
    if (a == ScalarType.BYTE) {
      return b;
    }
    if (b == ScalarType.BYTE) {
      return a;
    }
    return a.elementSize() >= b.elementSize() ? a : b;
  }

  /** What the portable kernels compute {@code tensor op scalar} in. */
  static ScalarType promoteWithScalar(ScalarType tensor, Value scalar) {
    if (scalar.isDouble()) {
      return tensor.isFloatingPoint() ? tensor : ScalarType.FLOAT;
    }
    if (scalar.isInt()) {
      return tensor == ScalarType.BOOL ? ScalarType.LONG : tensor;
    }
    return tensor;
  }

  /**
   * A DJL scalar as the kernel's Scalar argument: Int for integers, Bool for booleans, else Double.
   */
  static Value scalarValue(Number n) {
    if (n instanceof Byte || n instanceof Short || n instanceof Integer || n instanceof Long) {
      return Value.ofInt(n.longValue());
    }
    if (n == null) {
      throw new IllegalArgumentException("the scalar operand is null");
    }
    return Value.ofDouble(n.doubleValue());
  }

  static Shape broadcast(Shape a, Shape b) {
    int rank = Math.max(a.dimension(), b.dimension());
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      int ia = a.dimension() - rank + i;
      int ib = b.dimension() - rank + i;
      long da = ia < 0 ? 1 : a.get(ia);
      long db = ib < 0 ? 1 : b.get(ib);
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
      }
      out[i] = da == 1 ? db : da;
    }
    return new Shape(out);
  }
}
