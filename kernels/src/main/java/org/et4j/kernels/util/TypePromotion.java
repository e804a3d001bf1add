package org.et4j.kernels.util;

import org.et4j.runtime.ScalarType;

/**
 * PyTorch's type promotion ({@code c10::promoteTypes}) over the types ExecuTorch's portable
 * kernels handle: bool &lt; integers &lt; floating types; within a category the wider type wins;
 * uint8 with int8 gives int16; float16 with bfloat16 gives float32.
 */
public final class TypePromotion {
  private TypePromotion() {}

  /** The common dtype of two tensors. */
  public static ScalarType promote(ScalarType a, ScalarType b) {
    if (a == b) {
      return a;
    }
    if (a == ScalarType.BOOL) {
      return b;
    }
    if (b == ScalarType.BOOL) {
      return a;
    }
    boolean fa = a.isFloatingPoint();
    boolean fb = b.isFloatingPoint();
    if (fa && fb) {
      if ((a == ScalarType.HALF && b == ScalarType.BFLOAT16)
          || (a == ScalarType.BFLOAT16 && b == ScalarType.HALF)) {
        return ScalarType.FLOAT;
      }
      return floatRank(a) >= floatRank(b) ? a : b;
    }
    if (fa) {
      return a;
    }
    if (fb) {
      return b;
    }
    if ((a == ScalarType.BYTE && b == ScalarType.CHAR) || (a == ScalarType.CHAR && b == ScalarType.BYTE)) {
      return ScalarType.SHORT;
    }
    if (a == ScalarType.BYTE) {
      return b;
    }
    if (b == ScalarType.BYTE) {
      return a;
    }
    return intRank(a) >= intRank(b) ? a : b;
  }

  private static int floatRank(ScalarType t) {
    return switch (t) {
      case HALF, BFLOAT16 -> 1;
      case FLOAT -> 2;
      case DOUBLE -> 3;
      default -> 0;
    };
  }

  private static int intRank(ScalarType t) {
    return switch (t) {
      case CHAR -> 1;
      case SHORT -> 2;
      case INT -> 3;
      case LONG -> 4;
      default -> 0;
    };
  }
}
