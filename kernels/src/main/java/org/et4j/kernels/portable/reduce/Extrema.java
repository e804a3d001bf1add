package org.et4j.kernels.portable.reduce;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared body of {@code amax.out} and {@code amin.out} ({@code int[1] dim=[], bool
 * keepdim=False, *, Tensor(a!) out}): the first element, then each later one replaces it when it
 * is NaN or strictly larger (smaller), so NaN wins and ties keep the first.
 */
final class Extrema {
  private Extrema() {}

  static KernelCall bind(String op, Value[] args, boolean max) {
    KernelChecks.argSlots(op, args, 4);
    TensorImpl in = args[0].toTensor();
    int[] dims = args[1].isNone() ? new int[0] : args[1].toIntArray();
    boolean keepdim = args[2].toBool();
    TensorImpl out = args[3].toTensor();

    // checks (check_amin_amax_args)
    Reduction.requireRealHBBF16(op, "input", in.dtype());
    if (in.dtype() != out.dtype()) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must have the dtype of the input " + in.describe());
    }
    boolean[] mask = Reduction.dimMask(op, in, dims);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    FloatRows rows = FloatRows.get();

    return ctx -> {
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
        MemorySegment src = in.data();
        MemorySegment dst = out.data();
        for (long i = 0; i < nRows; i++) {
          dst.setAtIndex(F32, i, max ? rows.max(src, i * n, n) : rows.min(src, i * n, n));
        }
        return;
      }
      reduce(in, out, plans.get(out), max);
    };
  }

  static void reduce(TensorImpl in, TensorImpl out, Reduction.Plan plan, boolean max) {
    ScalarType t = in.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long[] offs = plan.offsets;
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      if (t.isFloatingPoint()) {
        double acc = Elements.readDouble(t, src, base + offs[0]);
        for (int r = 1; r < offs.length; r++) {
          double v = Elements.readDouble(t, src, base + offs[r]);
          if (Double.isNaN(v) || (max ? v > acc : v < acc)) {
            acc = v;
          }
        }
        Elements.writeDouble(t, dst, plan.outOffsets[o], acc);
      } else {
        long acc = Elements.readLong(t, src, base + offs[0]);
        for (int r = 1; r < offs.length; r++) {
          long v = Elements.readLong(t, src, base + offs[r]);
          if (max ? v > acc : v < acc) {
            acc = v;
          }
        }
        Elements.writeLong(t, dst, plan.outOffsets[o], acc);
      }
    }
  }
}
