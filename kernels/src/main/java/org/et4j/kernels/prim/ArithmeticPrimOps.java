package org.et4j.kernels.prim;

import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.Value;

/**
 * {@code executorch_prim::{add,sub,mul,floordiv,truediv,mod}.Scalar}, {@code
 * executorch_prim::neg.Scalar} and {@code executorch_prim::{floordiv,mod}.int}. Int with Int stays
 * Int (wrapping like int64); any Double makes a Double. floordiv.Scalar rounds toward negative
 * infinity (Python's //); floordiv.int and both mods truncate toward zero, exactly as ExecuTorch's
 * C++ does. Integer division by zero, undefined in C++, is InvalidArgument here.
 */
final class ArithmeticPrimOps {
  private ArithmeticPrimOps() {}

  static void register(KernelRegistry.Builder r) {
    algebra(r, "executorch_prim::add.Scalar", Long::sum, Double::sum);
    algebra(r, "executorch_prim::sub.Scalar", (a, b) -> a - b, (a, b) -> a - b);
    algebra(r, "executorch_prim::mul.Scalar", (a, b) -> a * b, (a, b) -> a * b);
    String floordiv = "executorch_prim::floordiv.Scalar";
    r.register(
        floordiv,
        PrimSupport.kernel(
            floordiv,
            3,
            args -> {
              Value a = args[0];
              Value b = args[1];
              if (a.isInt() && b.isInt()) {
                args[2].setInt(floorDiv(floordiv, a.toInt(), b.toInt()));
              } else if (isNumber(a) && isNumber(b)) {
                args[2].setDouble(floorDiv(a.scalarToDouble(), b.scalarToDouble()));
              } else {
                throw PrimSupport.wrongTypes(floordiv, a, b);
              }
            }));
    String truediv = "executorch_prim::truediv.Scalar";
    r.register(
        truediv,
        PrimSupport.kernel(
            truediv,
            3,
            args -> {
              if (!isNumber(args[0]) || !isNumber(args[1])) {
                throw PrimSupport.wrongTypes(truediv, args[0], args[1]);
              }
              args[2].setDouble(args[0].scalarToDouble() / args[1].scalarToDouble());
            }));
    String modScalar = "executorch_prim::mod.Scalar";
    r.register(
        modScalar,
        PrimSupport.kernel(
            modScalar,
            3,
            args -> {
              if (!args[0].isInt() || !args[1].isInt()) {
                throw PrimSupport.wrongTypes(modScalar, args[0], args[1]);
              }
              args[2].setInt(truncMod(modScalar, args[0].toInt(), args[1].toInt()));
            }));
    String modInt = "executorch_prim::mod.int";
    r.register(
        modInt,
        PrimSupport.kernel(modInt, 3, args -> args[2].setInt(truncMod(modInt, args[0].toInt(), args[1].toInt()))));
    String floordivInt = "executorch_prim::floordiv.int";
    r.register(
        floordivInt,
        PrimSupport.kernel(
            floordivInt,
            3,
            args -> {
              long a = args[0].toInt();
              long b = args[1].toInt();
              if (b == 0) {
                throw PrimSupport.divisionByZero(floordivInt, a);
              }
              args[2].setInt(a / b);
            }));
    String neg = "executorch_prim::neg.Scalar";
    r.register(
        neg,
        PrimSupport.kernel(
            neg,
            2,
            args -> {
              Value a = args[0];
              if (a.isInt()) {
                args[1].setInt(-a.toInt());
              } else if (a.isDouble()) {
                args[1].setDouble(-a.toDouble());
              } else {
                throw PrimSupport.wrongTypes(neg, a);
              }
            }));
  }

  private static void algebra(KernelRegistry.Builder r, String op, LongBinaryOperator ints, DoubleBinaryOperator doubles) {
    r.register(
        op,
        PrimSupport.kernel(
            op,
            3,
            args -> {
              Value a = args[0];
              Value b = args[1];
              if (a.isInt() && b.isInt()) {
                args[2].setInt(ints.applyAsLong(a.toInt(), b.toInt()));
              } else if (isNumber(a) && isNumber(b)) {
                args[2].setDouble(doubles.applyAsDouble(a.scalarToDouble(), b.scalarToDouble()));
              } else {
                throw PrimSupport.wrongTypes(op, a, b);
              }
            }));
  }

  static boolean isNumber(Value v) {
    return v.isInt() || v.isDouble();
  }

  /** Python's // on int64: the C++ quotient, minus one when the signs differ and it is inexact. */
  static long floorDiv(String op, long a, long b) {
    if (b == 0) {
      throw PrimSupport.divisionByZero(op, a);
    }
    long quot = a / b;
    if ((a < 0) == (b < 0)) {
      return quot;
    }
    return a % b != 0 ? quot - 1 : quot;
  }

  /** ExecuTorch's {@code floor_div_double}: ±infinity for a zero divisor (by the sign of a). */
  static double floorDiv(double a, double b) {
    if (b == 0) {
      return Math.copySign(1.0, a) < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    double mod = a % b;
    double div = (a - mod) / b;
    if (mod != 0 && (Math.copySign(1.0, b) < 0) != (Math.copySign(1.0, mod) < 0)) {
      return div - 1;
    }
    return div;
  }

  private static long truncMod(String op, long a, long b) {
    if (b == 0) {
      throw PrimSupport.divisionByZero(op, a);
    }
    return a % b;
  }
}
