package org.et4j.kernels.portable.reduce;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared body of {@code argmax.out} and {@code argmin.out} ({@code Tensor self, int?
 * dim=None, bool keepdim=False, *, Tensor(a!) out}): without a dim the index is into the
 * flattened input; the reduced dim must not be empty.
 */
final class ArgReduction {
  private ArgReduction() {}

  static KernelCall bind(String op, Value[] args, boolean max) {
    KernelChecks.argSlots(op, args, 4);
    TensorImpl in = args[0].toTensor();
    Long dim = args[1].isNone() ? null : args[1].toInt();
    boolean keepdim = args[2].toBool();
    TensorImpl out = args[3].toTensor();

    // checks (check_argmin_argmax_args)
    ScalarType t = in.dtype();
    if (t == ScalarType.BOOL || !Reduction.isRealHBBF16(t)) {
      throw KernelChecks.invalid(op, "input dtype " + t.displayName() + " is not supported");
    }
    if (out.dtype() != ScalarType.LONG) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must be int64");
    }
    boolean[] mask = dim == null ? null : Reduction.singleDimMask(op, in, dim);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    FloatRows rows = FloatRows.get();

    return ctx -> {
      if (mask != null) {
        int d = Reduction.normalizeDim(op, in, dim);
        if (in.size(d) == 0) {
          throw KernelChecks.invalid(op, "cannot reduce the empty dim " + d + " of " + in.describe());
        }
      }
      Reduction.resize(op, out, plans.outSizes(keepdim));
      if (in.numel() == 0) {
        if (out.numel() == 0) {
          return;
        }
        throw KernelChecks.invalid(op, "cannot reduce the empty tensor " + in.describe());
      }
      int n = LastDim.rowLength(in, mask, out);
      if (n > 0 && in.dtype() == ScalarType.FLOAT) {
        long nRows = in.numel() / n;
        for (long i = 0; i < nRows; i++) {
          out.data().setAtIndex(org.et4j.kernels.util.Elements.I64, i, rows.argExtreme(in.data(), i * n, n, max));
        }
        return;
      }
      Reduction.Plan plan = plans.get(out);
      IndexedExtrema.reduce(in, plan, max, null, null, out, plan.outOffsets);
    };
  }
}
