package org.et4j.kernels.prim;

import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.Value;

/**
 * {@code executorch_prim::sym_float.Scalar} (Int/Double/Bool to Double), {@code sym_int.Scalar}
 * (to Int, truncating), and {@code ceil.Scalar}, {@code round.Scalar} (half to even, as Python),
 * {@code trunc.Scalar} (Double to Int). Out-of-range and NaN doubles give int64's minimum, as the
 * x86 conversion ExecuTorch's {@code static_cast} compiles to.
 */
final class ConversionPrimOps {
  private ConversionPrimOps() {}

  static void register(KernelRegistry.Builder r) {
    String symFloat = "executorch_prim::sym_float.Scalar";
    r.register(
        symFloat,
        PrimSupport.kernel(
            symFloat,
            2,
            args -> {
              Value a = args[0];
              if (!a.isScalar()) {
                throw PrimSupport.wrongTypes(symFloat, a);
              }
              args[1].setDouble(a.scalarToDouble());
            }));
    String symInt = "executorch_prim::sym_int.Scalar";
    r.register(
        symInt,
        PrimSupport.kernel(
            symInt,
            2,
            args -> {
              Value a = args[0];
              if (a.isDouble()) {
                args[1].setInt(Elements.doubleToLong(a.toDouble()));
              } else if (a.isScalar()) {
                args[1].setInt(a.scalarToLong());
              } else {
                throw PrimSupport.wrongTypes(symInt, a);
              }
            }));
    rounding(r, "executorch_prim::ceil.Scalar", Math::ceil);
    rounding(r, "executorch_prim::round.Scalar", Math::rint);
    rounding(r, "executorch_prim::trunc.Scalar", v -> v < 0 ? Math.ceil(v) : Math.floor(v));
  }

  private static void rounding(KernelRegistry.Builder r, String op, java.util.function.DoubleUnaryOperator f) {
    r.register(
        op,
        PrimSupport.kernel(
            op,
            2,
            args -> {
              if (!args[0].isDouble()) {
                throw PrimSupport.wrongTypes(op, args[0]);
              }
              args[1].setInt(Elements.doubleToLong(f.applyAsDouble(args[0].toDouble())));
            }));
  }
}
