package org.et4j.kernels.portable.reduce;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::var.correction_out(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool
 * keepdim=False, Tensor(a!) out)} and {@code aten::var.out(Tensor self, int[1]? dim, bool
 * unbiased=True, bool keepdim=False, *, Tensor(a!) out)}, as ExecuTorch's {@code op_var.cpp}.
 * The correction defaults to 1; {@code unbiased} means a correction of 1. Floating types only.
 * See {@link Variance}.
 */
public final class VarOp {
  static final String CORRECTION_NAME = "aten::var.correction_out";
  static final String NAME = "aten::var.out";

  private VarOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(CORRECTION_NAME, args -> {
      KernelChecks.argSlots(CORRECTION_NAME, args, 5);
      double correction = args[2].isNone() ? 1.0 : args[2].scalarToDouble();
      return bind(CORRECTION_NAME, args[0].toTensor(), args[1].toOptionalIntArray(), correction, args[3].toBool(), args[4].toTensor());
    });
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 5);
      double correction = args[2].toBool() ? 1.0 : 0.0;
      return bind(NAME, args[0].toTensor(), args[1].toOptionalIntArray(), correction, args[3].toBool(), args[4].toTensor());
    });
  }

  private static KernelCall bind(
      String op, TensorImpl in, int[] dims, double correction, boolean keepdim, TensorImpl out) {
    // checks
    Reduction.requireFloating(op, "input", in.dtype());
    Reduction.requireFloating(op, "out", out.dtype());
    boolean[] mask = Reduction.dimMask(op, in, dims);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    return ctx -> {
      Reduction.resize(op, out, plans.outSizes(keepdim));
      long num = Reduction.reducedCount(in, mask);
      Reduction.Plan plan = plans.get(out);
      Variance.compute(in, plan, num, num - correction, out, plan.outOffsets, null, null, false);
    };
  }
}
