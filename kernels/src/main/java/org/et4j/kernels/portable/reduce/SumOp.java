package org.et4j.kernels.portable.reduce;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::sum.IntList_out(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType?
 * dtype=None, Tensor(a!) out)}, as ExecuTorch's {@code op_sum.cpp}: each input element is cast to
 * the accumulator type and summed in it; the accumulator is the out dtype, except float for
 * float16/bfloat16 outs. Integer sums wrap in the out dtype; a bool out is an "or". A missing or
 * empty dim list reduces everything.
 */
public final class SumOp {
  static final String NAME = "aten::sum.IntList_out";

  private SumOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, SumOp::bind);
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 5);
    TensorImpl in = args[0].toTensor();
    int[] dims = args[1].toOptionalIntArray();
    boolean keepdim = args[2].toBool();
    ScalarType dtype = Reduction.optionalDtype(args[3], NAME);
    TensorImpl out = args[4].toTensor();

    // checks
    if (dtype != null && dtype != out.dtype()) {
      throw KernelChecks.invalid(NAME, "dtype " + dtype.displayName() + " does not match out " + out.describe());
    }
    Reduction.requireRealHBBF16(NAME, "input", in.dtype());
    Reduction.requireRealHBBF16(NAME, "out", out.dtype());
    boolean[] mask = Reduction.dimMask(NAME, in, dims);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    FloatRows rows = FloatRows.get();

    return ctx -> {
      // resize out
      Reduction.resize(NAME, out, plans.outSizes(keepdim));
      // fast path: float32 rows reduced along the innermost contiguous dim
      int n = LastDim.rowLength(in, mask, out);
      if (n > 0 && in.dtype() == ScalarType.FLOAT && out.dtype() == ScalarType.FLOAT) {
        long nRows = in.numel() / n;
        MemorySegment src = in.data();
        MemorySegment dst = out.data();
        for (long i = 0; i < nRows; i++) {
          dst.setAtIndex(F32, i, rows.sum(src, i * n, n));
        }
        return;
      }
      sum(in, out, plans.get(out));
    };
  }

  /** The reference loop for every dtype pair. */
  static void sum(TensorImpl in, TensorImpl out, Reduction.Plan plan) {
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long[] offs = plan.offsets;
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      long outIx = plan.outOffsets[o];
      if (Reduction.accumulatesInFloat(ot)) {
        float acc = 0f;
        for (long off : offs) {
          acc += Reduction.readFloat(it, src, base + off);
        }
        Elements.writeDouble(ot, dst, outIx, acc);
      } else if (ot == ScalarType.DOUBLE) {
        double acc = 0;
        for (long off : offs) {
          acc += Elements.readDouble(it, src, base + off);
        }
        dst.setAtIndex(Elements.F64, outIx, acc);
      } else if (ot == ScalarType.BOOL) {
        boolean acc = false;
        for (long off : offs) {
          acc |= Elements.readBool(it, src, base + off);
        }
        Elements.writeLong(ot, dst, outIx, acc ? 1 : 0);
      } else {
        long acc = 0;
        boolean fromFloat = it.isFloatingPoint();
        for (long off : offs) {
          acc +=
              fromFloat
                  ? Reduction.floatToIntegral(ot, Elements.readDouble(it, src, base + off))
                  : Elements.readLong(it, src, base + off);
        }
        Elements.writeLong(ot, dst, outIx, acc);
      }
    }
  }
}
