package org.et4j.kernels.prim;

import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.Value;

/**
 * {@code executorch_prim::sym_max.Scalar}, {@code sym_min.Scalar} (Int only), {@code
 * sym_not.Scalar} (Bool only) and {@code sym_ite.Scalar(bool b, Scalar t, Scalar f)}.
 */
final class SymPrimOps {
  private SymPrimOps() {}

  static void register(KernelRegistry.Builder r) {
    String max = "executorch_prim::sym_max.Scalar";
    r.register(
        max,
        PrimSupport.kernel(
            max,
            3,
            args -> {
              if (!args[0].isInt() || !args[1].isInt()) {
                throw PrimSupport.wrongTypes(max, args[0], args[1]);
              }
              args[2].setInt(Math.max(args[0].toInt(), args[1].toInt()));
            }));
    String min = "executorch_prim::sym_min.Scalar";
    r.register(
        min,
        PrimSupport.kernel(
            min,
            3,
            args -> {
              if (!args[0].isInt() || !args[1].isInt()) {
                throw PrimSupport.wrongTypes(min, args[0], args[1]);
              }
              args[2].setInt(Math.min(args[0].toInt(), args[1].toInt()));
            }));
    String not = "executorch_prim::sym_not.Scalar";
    r.register(
        not,
        PrimSupport.kernel(
            not,
            2,
            args -> {
              if (!args[0].isBool()) {
                throw PrimSupport.wrongTypes(not, args[0]);
              }
              args[1].setBool(!args[0].toBool());
            }));
    String ite = "executorch_prim::sym_ite.Scalar";
    r.register(
        ite,
        PrimSupport.kernel(
            ite,
            4,
            args -> {
              if (!args[0].isBool()) {
                throw PrimSupport.wrongTypes(ite, args[0]);
              }
              Value selected = args[0].toBool() ? args[1] : args[2];
              if (!selected.isScalar()) {
                throw PrimSupport.wrongTypes(ite, selected);
              }
              args[3].copyFrom(selected);
            }));
  }
}
