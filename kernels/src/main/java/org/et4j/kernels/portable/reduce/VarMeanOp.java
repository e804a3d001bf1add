package org.et4j.kernels.portable.reduce;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::var_mean.correction_out(Tensor self, int[1]? dim=None, *, Scalar? correction=None,
 * bool keepdim=False, Tensor(a!) out0, Tensor(b!) out1)}: variance into {@code out0} and mean into
 * {@code out1}, as ExecuTorch's {@code op_var_mean.cpp}. The return slot is a TensorList of both.
 */
public final class VarMeanOp {
  static final String NAME = "aten::var_mean.correction_out";

  private VarMeanOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, VarMeanOp::bind);
  }

  private static org.et4j.runtime.kernel.KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 6);
    TensorImpl in = args[0].toTensor();
    int[] dims = args[1].toOptionalIntArray();
    double correction = args[2].isNone() ? 1.0 : args[2].scalarToDouble();
    boolean keepdim = args[3].toBool();
    TensorImpl var = args[4].toTensor();
    TensorImpl mean = args[5].toTensor();

    // checks
    Reduction.requireFloating(NAME, "input", in.dtype());
    Reduction.requireFloating(NAME, "out0", var.dtype());
    if (mean.dtype() != var.dtype()) {
      throw KernelChecks.invalid(NAME, "out1 " + mean.describe() + " must have the dtype of out0 " + var.describe());
    }
    boolean[] mask = Reduction.dimMask(NAME, in, dims);
    boolean singleDim = dims != null && dims.length == 1 && mask != null;
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    return ctx -> {
      int[] sizes = plans.outSizes(keepdim);
      Reduction.resize(NAME, var, sizes);
      Reduction.resize(NAME, mean, sizes);
      long num = Reduction.reducedCount(in, mask);
      Reduction.Plan plan = plans.get(var);
      long[] meanOffsets =
          mean.isContiguous() == var.isContiguous() && mean.isContiguous()
              ? plan.outOffsets
              : Reduction.offsets(mean.sizes(), mean.strides());
      // ExecuTorch's fast path (one innermost dim, contiguous, same dtype) divides in the out dtype
      boolean fast = singleDim && LastDim.rowLength(in, mask, var) > 0 && in.dtype() == var.dtype();
      Variance.compute(in, plan, num, num - correction, var, plan.outOffsets, mean, meanOffsets, fast);
    };
  }
}
