package org.et4j.kernels.prim;

import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.Value;

/**
 * {@code executorch_prim::{eq,gt,lt,ge,le}.Scalar(Scalar, Scalar) -> bool}: Int and Double compare
 * as numbers (mixed pairs as doubles), Bool only with Bool (false &lt; true).
 */
final class ComparisonPrimOps {
  private ComparisonPrimOps() {}

  @FunctionalInterface
  private interface Test {
    boolean test(int cmpSign, boolean unordered);
  }

  static void register(KernelRegistry.Builder r) {
    compare(r, "executorch_prim::eq.Scalar", (c, u) -> !u && c == 0);
    compare(r, "executorch_prim::gt.Scalar", (c, u) -> !u && c > 0);
    compare(r, "executorch_prim::lt.Scalar", (c, u) -> !u && c < 0);
    compare(r, "executorch_prim::ge.Scalar", (c, u) -> !u && c >= 0);
    compare(r, "executorch_prim::le.Scalar", (c, u) -> !u && c <= 0);
  }

  private static void compare(KernelRegistry.Builder r, String op, Test test) {
    r.register(
        op,
        PrimSupport.kernel(
            op,
            3,
            args -> {
              Value a = args[0];
              Value b = args[1];
              boolean result;
              if (a.isInt() && b.isInt()) {
                result = test.test(Long.compare(a.toInt(), b.toInt()), false);
              } else if (ArithmeticPrimOps.isNumber(a) && ArithmeticPrimOps.isNumber(b)) {
                double x = a.scalarToDouble();
                double y = b.scalarToDouble();
                // IEEE comparison: NaN is unordered, -0.0 equals 0.0.
                result = test.test(x < y ? -1 : x > y ? 1 : 0, Double.isNaN(x) || Double.isNaN(y));
              } else if (a.isBool() && b.isBool()) {
                result = test.test(Boolean.compare(a.toBool(), b.toBool()), false);
              } else {
                throw PrimSupport.wrongTypes(op, a, b);
              }
              args[2].setBool(result);
            }));
  }
}
