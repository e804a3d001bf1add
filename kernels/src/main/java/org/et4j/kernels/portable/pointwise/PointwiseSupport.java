package org.et4j.kernels.portable.pointwise;

import java.util.function.Predicate;
import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.TernaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/** What the pointwise op files share: the generic calls and the Scalar checks. */
final class PointwiseSupport {
  private PointwiseSupport() {}

  /** A call that resizes out like {@code in} and runs {@code f} through the generic loop. */
  static KernelCall unary(String op, TensorImpl in, TensorImpl out, ScalarType compute, UnaryOp f) {
    BroadcastIndexes it = BroadcastIndexes.of(op, out, in);
    return ctx -> {
      it.resizeOutLike(0);
      ElementwiseLoops.unary(it, compute, f);
    };
  }

  /** A call that resizes out to the broadcast of {@code a} and {@code b} and runs {@code f}. */
  static KernelCall binary(
      String op, TensorImpl a, TensorImpl b, TensorImpl out, ScalarType compute, BinaryOp f) {
    BroadcastIndexes it = BroadcastIndexes.of(op, out, a, b);
    return ctx -> {
      it.resizeOutToBroadcast();
      ElementwiseLoops.binary(it, compute, f);
    };
  }

  /** A call over three broadcast inputs. */
  static KernelCall ternary(
      String op,
      TensorImpl a,
      TensorImpl b,
      TensorImpl c,
      TensorImpl out,
      ScalarType compute,
      TernaryOp f) {
    BroadcastIndexes it = BroadcastIndexes.of(op, out, a, b, c);
    return ctx -> {
      it.resizeOutToBroadcast();
      ElementwiseLoops.ternary(it, compute, f);
    };
  }

  /** Every tensor has one of the dtypes the portable math kernels read (REALHBBF16). */
  static void realHBBF16(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      KernelChecks.dtype(op, "tensor", t, DtypeRules.isRealHBBF16(t.dtype()));
    }
  }

  /** True when every tensor is float32. */
  static boolean allFloat(TensorImpl... ts) {
    for (TensorImpl t : ts) {
      if (t.dtype() != ScalarType.FLOAT) {
        return false;
      }
    }
    return true;
  }

  /**
   * ExecuTorch's {@code utils::extract_scalar} into {@code compute}: an integral compute type
   * takes only an Int that fits it; a floating one takes an Int, or a Double that is not finite
   * or fits float32 when computing in float32; bool takes an Int or a Bool.
   */
  static void extractableScalar(String op, String name, Value s, ScalarType compute) {
    boolean ok;
    if (compute == ScalarType.BOOL) {
      ok = s.isInt() || s.isBool();
    } else if (compute.isFloatingPoint()) {
      if (s.isDouble()) {
        double v = s.toDouble();
        ok = compute != ScalarType.FLOAT || !Double.isFinite(v) || Math.abs(v) <= Float.MAX_VALUE;
      } else {
        ok = s.isInt();
      }
    } else {
      ok = s.isInt() && DtypeRules.wrap(compute, s.toInt()) == s.toInt();
    }
    KernelChecks.check(ok, op, name + " " + s + " cannot be represented in " + compute.displayName());
  }

  /** {@code check_overflow_scalar_cast}: the Scalar's value fits {@code t} (bool always fits). */
  static void scalarFits(String op, String name, Value s, ScalarType t) {
    if (t == ScalarType.BOOL) {
      return;
    }
    boolean ok;
    if (t.isFloatingPoint()) {
      double v = s.scalarToDouble();
      double max =
          switch (t) {
            case HALF -> 65504.0;
            case BFLOAT16 -> 3.3895313892515355e38;
            case FLOAT -> Float.MAX_VALUE;
            default -> Double.MAX_VALUE;
          };
      ok = !Double.isFinite(v) || Math.abs(v) <= max;
    } else if (s.isDouble()) {
      double v = s.toDouble();
      double lo =
          switch (t) {
            case BYTE -> 0;
            case CHAR -> Byte.MIN_VALUE;
            case SHORT -> Short.MIN_VALUE;
            case INT -> Integer.MIN_VALUE;
            default -> -0x1p63;
          };
      double hi =
          switch (t) {
            case BYTE -> 255;
            case CHAR -> Byte.MAX_VALUE;
            case SHORT -> Short.MAX_VALUE;
            case INT -> Integer.MAX_VALUE;
            default -> 0x1p63;
          };
      ok = v >= lo && v <= hi && !(t == ScalarType.LONG && v >= 0x1p63);
    } else {
      long v = s.scalarToLong();
      // c10::overflows lets negative values wrap into uint8 (-255..255 are accepted).
      ok = t == ScalarType.BYTE ? v >= -255 && v <= 255 : DtypeRules.wrap(t, v) == v;
    }
    KernelChecks.check(ok, op, name + " " + s + " overflows " + t.displayName());
  }

  /** The InvalidArgument error for an integer division (or remainder) by zero. */
  static ExecuTorchException divisionByZero(String op) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": integer division by zero");
  }

  /**
   * A same-shape, same-dtype unary op (ExecuTorch's {@code tensors_have_same_shape_and_dtype}
   * pattern: neg, relu, abs, sign, ...): {@code args} are {@code (self, out)} plus the return slot.
   * Computes in the tensor's dtype (float32 for half types).
   */
  static KernelCall sameDtypeUnary(
      String op, Value[] args, Predicate<ScalarType> accepted, UnaryOp f) {
    KernelChecks.argCount(op, args, 2);
    TensorImpl in = KernelChecks.tensor(op, args, 0);
    TensorImpl out = KernelChecks.tensor(op, args, 1);
    KernelChecks.sameDtype(op, in, out);
    KernelChecks.dtype(op, "input", in, accepted.test(in.dtype()));
    KernelChecks.sameDimOrder(op, in, out);
    return unary(op, in, out, DtypeRules.computeType(in.dtype()), f);
  }

  /** ExecuTorch's {@code max_override}: NaN wins, else {@code a < b ? b : a}. */
  static double maxOverride(double a, double b) {
    if (Double.isNaN(a)) {
      return a;
    }
    if (Double.isNaN(b)) {
      return b;
    }
    return a < b ? b : a;
  }

  /** ExecuTorch's {@code min_override}: NaN wins, else {@code b < a ? b : a}. */
  static double minOverride(double a, double b) {
    if (Double.isNaN(a)) {
      return a;
    }
    if (Double.isNaN(b)) {
      return b;
    }
    return b < a ? b : a;
  }
}
