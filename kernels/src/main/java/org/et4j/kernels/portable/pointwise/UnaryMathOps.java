package org.et4j.kernels.portable.pointwise;

import java.util.function.DoubleUnaryOperator;
import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.SpecialMath;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The one-line unary math ops of the portable library, one table row each, as ExecuTorch writes
 * each of them as one macro line over a shared pattern ({@code pattern/unary_ufunc_*.cpp}):
 *
 * <ul>
 *   <li>real → floating ({@code unary_ufunc_realhbbf16_to_floathbf16}): any real or bool input,
 *       any floating out; float64 inputs compute in float64, all others in float32.
 *   <li>real → same dtype ({@code unary_ufunc_realhbf16}: ceil, floor, trunc): integers go
 *       through float32 as there.
 *   <li>real → bool ({@code unary_ufunc_realhbbf16_to_bool}: isnan, isinf).
 * </ul>
 *
 * Also {@code round.out} and {@code logit.out}, which have their own files in ExecuTorch.
 */
public final class UnaryMathOps {
  private UnaryMathOps() {}

  public static void register(KernelRegistry.Builder r) {
    toFloating(r, "acos", Math::acos);
    toFloating(r, "acosh", SpecialMath::acosh);
    toFloating(r, "asin", Math::asin);
    toFloating(r, "asinh", SpecialMath::asinh);
    toFloating(r, "atan", Math::atan);
    toFloating(r, "atanh", SpecialMath::atanh);
    toFloating(r, "cos", Math::cos);
    toFloating(r, "cosh", Math::cosh);
    toFloating(r, "erf", SpecialMath::erf);
    toFloating(r, "exp", Math::exp);
    toFloating(r, "expm1", Math::expm1);
    toFloating(r, "log", Math::log);
    toFloating(r, "log10", Math::log10);
    toFloating(r, "log1p", Math::log1p);
    toFloating(r, "log2", SpecialMath::log2);
    toFloating(r, "reciprocal", x -> 1.0 / x);
    toFloating(r, "rsqrt", UnaryMathOps::rsqrt);
    toFloating(r, "sin", Math::sin);
    toFloating(r, "sinh", Math::sinh);
    toFloating(r, "sqrt", Math::sqrt);
    toFloating(r, "tan", Math::tan);
    toFloating(r, "tanh", Math::tanh);

    sameDtype(r, "ceil", Math::ceil);
    sameDtype(r, "floor", Math::floor);
    sameDtype(r, "trunc", Div::truncate);

    toBool(r, "isnan", Double::isNaN);
    toBool(r, "isinf", Double::isInfinite);

    r.register("aten::round.out", RebindingCall.wrap(UnaryMathOps::bindRound));
    r.register("aten::logit.out", RebindingCall.wrap(UnaryMathOps::bindLogit));
  }

  /** {@code 1.0 / sqrt(x)}: the square root is rounded to float32 first for float32 inputs. */
  static double rsqrt(double x) {
    return 1.0 / Math.sqrt(x);
  }

  interface DoublePredicate {
    boolean test(double x);
  }

  static void toFloating(KernelRegistry.Builder r, String name, DoubleUnaryOperator fn) {
    String op = "aten::" + name + ".out";
    r.register(op, RebindingCall.wrap(args -> bindToFloating(op, name, args, fn)));
  }

  static KernelCall bindToFloating(String op, String name, Value[] args, DoubleUnaryOperator fn) {
    KernelChecks.argCount(op, args, 2);
    TensorImpl in = KernelChecks.tensor(op, args, 0);
    TensorImpl out = KernelChecks.tensor(op, args, 1);
    KernelChecks.dtype(op, "out", out, out.dtype().isFloatingPoint());
    PointwiseSupport.realHBBF16(op, in);
    KernelChecks.sameDimOrder(op, in, out);
    ScalarType compute = in.dtype() == ScalarType.DOUBLE ? ScalarType.DOUBLE : ScalarType.FLOAT;
    UnaryOp f;
    if (name.equals("rsqrt") && compute == ScalarType.FLOAT) {
      // ExecuTorch: 1.0 / std::sqrt(float), the division in double.
      f = UnaryOp.ofDouble(x -> 1.0 / (float) Math.sqrt(x));
    } else {
      f = UnaryOp.ofDouble(fn);
    }
    BroadcastIndexes it = BroadcastIndexes.of(op, out, in);
    boolean f32 = PointwiseSupport.allFloat(in, out);
    boolean exp = name.equals("exp");
    boolean tanh = name.equals("tanh");
    if (f32 && (exp || tanh)) {
      return ctx -> {
        it.resizeOutLike(0);
        if (it.isFlat()) {
          if (exp) {
            FloatPointwise.instance().exp(in.data(), out.data(), it.numel());
          } else {
            FloatPointwise.instance().tanh(in.data(), out.data(), it.numel());
          }
        } else {
          ElementwiseLoops.unary(it, compute, f);
        }
      };
    }
    return ctx -> {
      it.resizeOutLike(0);
      ElementwiseLoops.unary(it, compute, f);
    };
  }

  static void sameDtype(KernelRegistry.Builder r, String name, DoubleUnaryOperator fn) {
    String op = "aten::" + name + ".out";
    r.register(
        op,
        RebindingCall.wrap(args -> {
          KernelChecks.argCount(op, args, 2);
          TensorImpl in = KernelChecks.tensor(op, args, 0);
          TensorImpl out = KernelChecks.tensor(op, args, 1);
          KernelChecks.sameDtype(op, in, out);
          KernelChecks.dtype(op, "input", in, DtypeRules.isRealHBF16(in.dtype()));
          KernelChecks.sameDimOrder(op, in, out);
          ScalarType compute = in.dtype() == ScalarType.DOUBLE ? ScalarType.DOUBLE : ScalarType.FLOAT;
          return PointwiseSupport.unary(op, in, out, compute, UnaryOp.ofDouble(fn));
        }));
  }

  static void toBool(KernelRegistry.Builder r, String name, DoublePredicate fn) {
    String op = "aten::" + name + ".out";
    r.register(
        op,
        RebindingCall.wrap(args -> {
          KernelChecks.argCount(op, args, 2);
          TensorImpl in = KernelChecks.tensor(op, args, 0);
          TensorImpl out = KernelChecks.tensor(op, args, 1);
          KernelChecks.outDtype(op, ScalarType.BOOL, out);
          PointwiseSupport.realHBBF16(op, in);
          KernelChecks.sameDimOrder(op, in, out);
          ScalarType compute = in.dtype() == ScalarType.DOUBLE ? ScalarType.DOUBLE : ScalarType.FLOAT;
          return PointwiseSupport.unary(op, in, out, compute, UnaryOp.ofDouble(x -> fn.test(x) ? 1.0 : 0.0));
        }));
  }

  static KernelCall bindRound(Value[] args) {
    String op = "aten::round.out";
    // Integers are copied; floats round half to even.
    return PointwiseSupport.sameDtypeUnary(op, args, DtypeRules::isRealHBF16, UnaryOp.of(Math::rint, x -> x));
  }

  static KernelCall bindLogit(Value[] args) {
    String op = "aten::logit.out";
    KernelChecks.argCount(op, args, 3);
    TensorImpl in = KernelChecks.tensor(op, args, 0);
    Double eps = args[1].isNone() ? null : args[1].scalarToDouble();
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    KernelChecks.sameDimOrder(op, in, out);
    KernelChecks.dtype(op, "out", out, out.dtype() == ScalarType.FLOAT || out.dtype() == ScalarType.DOUBLE);
    PointwiseSupport.realHBBF16(op, in);
    ScalarType compute = out.dtype();
    UnaryOp f =
        UnaryOp.ofDouble(
            x -> {
              double xi = x;
              if (eps != null) {
                if (xi < eps) {
                  xi = DtypeRules.round(compute, eps);
                } else if (xi > 1 - eps) {
                  xi = DtypeRules.round(compute, 1 - eps);
                }
              }
              double oneMinus = DtypeRules.round(compute, 1.0 - xi);
              return Math.log(DtypeRules.round(compute, xi / oneMinus));
            });
    return PointwiseSupport.unary(op, in, out, compute, f);
  }
}
