package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::div.out}, {@code div.out_mode}, {@code div.Scalar_out} and
 * {@code div.Scalar_mode_out}: ExecuTorch's {@code op_div.cpp}. True division always computes in
 * a floating type (float32 for integer inputs); the {@code trunc} and {@code floor} modes compute
 * in the promoted type, and integer division by zero is an InvalidArgument error.
 */
public final class Div {
  static final String OUT = "aten::div.out";
  static final String OUT_MODE = "aten::div.out_mode";
  static final String SCALAR_OUT = "aten::div.Scalar_out";
  static final String SCALAR_MODE_OUT = "aten::div.Scalar_mode_out";

  private static final BinaryOp DIV = BinaryOp.ofDouble((x, y) -> x / y);

  private Div() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Div::bindTensor));
    r.register(OUT_MODE, RebindingCall.wrap(Div::bindTensorMode));
    r.register(SCALAR_OUT, RebindingCall.wrap(Div::bindScalar));
    r.register(SCALAR_MODE_OUT, RebindingCall.wrap(Div::bindScalarMode));
  }

  /** div's common type: floating promotion, float32 when neither input is floating. */
  static ScalarType floatCommonType(ScalarType a, ScalarType b) {
    if (a.isFloatingPoint() && b.isFloatingPoint()) {
      return TypePromotion.promote(a, b);
    }
    if (a.isFloatingPoint()) {
      return a;
    }
    if (b.isFloatingPoint()) {
      return b;
    }
    return ScalarType.FLOAT;
  }

  static KernelCall bindTensor(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    return tensorTrueDivide(
        OUT,
        KernelChecks.tensor(OUT, args, 0),
        KernelChecks.tensor(OUT, args, 1),
        KernelChecks.tensor(OUT, args, 2));
  }

  static KernelCall tensorTrueDivide(String op, TensorImpl a, TensorImpl b, TensorImpl out) {
    // Common dtype
    ScalarType common = floatCommonType(a.dtype(), b.dtype());
    // Checks
    PointwiseSupport.realHBBF16(op, a, b);
    KernelChecks.dtype(op, "out", out, out.dtype().isFloatingPoint());
    KernelChecks.sameDimOrder(op, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    BroadcastIndexes it = BroadcastIndexes.of(op, out, a, b);
    boolean f32 = PointwiseSupport.allFloat(a, b, out);
    return ctx -> {
      it.resizeOutToBroadcast();
      if (f32 && it.numel() > 0) {
        if (it.isFlat()) {
          FloatPointwise.instance().div(a.data(), b.data(), out.data(), it.numel());
          return;
        }
        if (b.numel() == 1 && a.numel() == it.numel() && a.isContiguous() && out.isContiguous()) {
          float s = b.data().getAtIndex(Elements.F32, 0);
          FloatPointwise.instance().divScalar(a.data(), s, out.data(), it.numel());
          return;
        }
      }
      if (f32 && FloatBroadcastRows.tryBinary(it, FloatBroadcastRows.Kind.DIV, 1f)) {
        return;
      }
      ElementwiseLoops.binary(it, compute, DIV);
    };
  }

  /** The rounding mode argument: null (true division), {@code trunc} or {@code floor}. */
  static String mode(String op, Value v) {
    if (v.isNone()) {
      return null;
    }
    String m = v.toStringValue();
    KernelChecks.check(
        m.equals("trunc") || m.equals("floor"),
        op,
        "rounding mode must be 'trunc' or 'floor', not '" + m + "'");
    return m;
  }

  static KernelCall bindTensorMode(Value[] args) {
    String op = OUT_MODE;
    KernelChecks.argCount(op, args, 4);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    TensorImpl b = KernelChecks.tensor(op, args, 1);
    String mode = mode(op, args[2]);
    TensorImpl out = KernelChecks.tensor(op, args, 3);
    if (mode == null) {
      return tensorTrueDivide(op, a, b, out);
    }
    // Common dtype
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    // Checks
    PointwiseSupport.realHBBF16(op, a, b);
    KernelChecks.dtype(op, "out", out, DtypeRules.isRealHBF16(out.dtype()));
    KernelChecks.canCast(op, common, out);
    KernelChecks.check(common != ScalarType.BOOL, op, "bool inputs are not supported");
    KernelChecks.sameDimOrder(op, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    return PointwiseSupport.binary(op, a, b, out, compute, roundingDivide(op, compute, mode.equals("trunc")));
  }

  /** Division rounded toward zero or toward negative infinity, as ExecuTorch computes it. */
  static BinaryOp roundingDivide(String op, ScalarType compute, boolean trunc) {
    boolean f32 = compute == ScalarType.FLOAT;
    boolean i64 = compute == ScalarType.LONG;
    return BinaryOp.of(
        (x, y) -> {
          if (trunc) {
            return truncate(f32 ? (float) (x / y) : x / y);
          }
          return f32 ? floorDivideFloat((float) x, (float) y) : floorDivide(x, y);
        },
        (x, y) -> {
          if (y == 0) {
            throw PointwiseSupport.divisionByZero(op);
          }
          if (trunc) {
            long q = x / y;
            // ExecuTorch passes the quotient through std::trunc, i.e. through a double.
            return i64 ? (long) (double) q : q;
          }
          return Math.floorDiv(x, y);
        });
  }

  static double truncate(double v) {
    return v < 0 ? Math.ceil(v) : Math.floor(v);
  }

  /** ExecuTorch's {@code utils::floor_divide} for double. */
  static double floorDivide(double a, double b) {
    if (b == 0) {
      return signBit(a) ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    double mod = a % b;
    double div = (a - mod) / b;
    if (mod != 0 && signBit(b) != signBit(mod)) {
      return div - 1;
    }
    return div;
  }

  /** ExecuTorch's {@code utils::floor_divide} for float, in float arithmetic. */
  static float floorDivideFloat(float a, float b) {
    if (b == 0) {
      return signBit(a) ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    float mod = a % b;
    float div = (a - mod) / b;
    if (mod != 0 && signBit(b) != signBit(mod)) {
      return div - 1;
    }
    return div;
  }

  static boolean signBit(double v) {
    return (Double.doubleToRawLongBits(v) < 0);
  }

  static KernelCall bindScalar(Value[] args) {
    KernelChecks.argCount(SCALAR_OUT, args, 3);
    return scalarTrueDivide(
        SCALAR_OUT,
        KernelChecks.tensor(SCALAR_OUT, args, 0),
        KernelChecks.scalar(SCALAR_OUT, args, 1),
        KernelChecks.tensor(SCALAR_OUT, args, 2));
  }

  static KernelCall scalarTrueDivide(String op, TensorImpl a, Value b, TensorImpl out) {
    // Common dtype
    ScalarType common = a.dtype().isFloatingPoint() ? a.dtype() : ScalarType.FLOAT;
    // Checks
    PointwiseSupport.realHBBF16(op, a);
    KernelChecks.outDtype(op, common, out);
    KernelChecks.sameDimOrder(op, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    double s = DtypeRules.scalarAsDouble(b, compute);
    UnaryOp f = UnaryOp.ofDouble(x -> x / s);
    if (PointwiseSupport.allFloat(a, out)) {
      BroadcastIndexes it = BroadcastIndexes.of(op, out, a);
      float sf = (float) s;
      return ctx -> {
        it.resizeOutLike(0);
        if (it.isFlat()) {
          FloatPointwise.instance().divScalar(a.data(), sf, out.data(), it.numel());
        } else {
          ElementwiseLoops.unary(it, compute, f);
        }
      };
    }
    return PointwiseSupport.unary(op, a, out, compute, f);
  }

  static KernelCall bindScalarMode(Value[] args) {
    String op = SCALAR_MODE_OUT;
    KernelChecks.argCount(op, args, 4);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    String mode = mode(op, args[2]);
    TensorImpl out = KernelChecks.tensor(op, args, 3);
    if (mode == null) {
      return scalarTrueDivide(op, a, b, out);
    }
    // Common dtype
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    // Checks
    PointwiseSupport.realHBBF16(op, a);
    KernelChecks.dtype(op, "out", out, DtypeRules.isRealHBF16(out.dtype()));
    KernelChecks.canCast(op, common, out);
    KernelChecks.check(common != ScalarType.BOOL, op, "bool inputs are not supported");
    KernelChecks.check(
        !(!common.isFloatingPoint() && b.scalarToDouble() == 0),
        op,
        "integer division by zero");
    KernelChecks.sameDimOrder(op, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    BinaryOp g = roundingDivide(op, compute, mode.equals("trunc"));
    UnaryOp f;
    if (compute.isFloatingPoint()) {
      double s = DtypeRules.scalarAsDouble(b, compute);
      f = UnaryOp.ofDouble(x -> g.applyAsDouble(x, s));
    } else {
      long s = DtypeRules.scalarAsLong(b, compute);
      f = UnaryOp.ofLong(x -> g.applyAsLong(x, s));
    }
    return PointwiseSupport.unary(op, a, out, compute, f);
  }
}
