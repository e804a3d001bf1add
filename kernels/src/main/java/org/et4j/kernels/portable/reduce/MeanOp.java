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
 * {@code aten::mean.out(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None,
 * Tensor(a!) out)} and {@code aten::mean.dtype_out(Tensor self, *, ScalarType? dtype=None,
 * Tensor(a!) out)}, as ExecuTorch's {@code op_mean.cpp}: the sum is accumulated as in
 * {@link SumOp} (float for float16/bfloat16/float32 outs, double for float64) and divided by the
 * count of reduced elements. Without a dtype the input must be floating; the out always is.
 */
public final class MeanOp {
  static final String NAME = "aten::mean.out";
  static final String DTYPE_NAME = "aten::mean.dtype_out";

  private MeanOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 5);
      return bind(NAME, args[0].toTensor(), args[1].toOptionalIntArray(), args[2].toBool(), args[3], args[4].toTensor());
    });
    r.register(DTYPE_NAME, args -> {
      KernelChecks.argSlots(DTYPE_NAME, args, 3);
      return bind(DTYPE_NAME, args[0].toTensor(), new int[0], false, args[1], args[2].toTensor());
    });
  }

  private static KernelCall bind(
      String op, TensorImpl in, int[] dims, boolean keepdim, Value dtypeArg, TensorImpl out) {
    ScalarType dtype = Reduction.optionalDtype(dtypeArg, op);

    // checks (check_mean_dim_args)
    if (dtype != null) {
      Reduction.requireFloating(op, "dtype", dtype);
      if (dtype != out.dtype()) {
        throw KernelChecks.invalid(op, "dtype " + dtype.displayName() + " does not match out " + out.describe());
      }
    } else {
      Reduction.requireFloating(op, "input", in.dtype());
    }
    Reduction.requireFloating(op, "out", out.dtype());
    Reduction.requireRealHBBF16(op, "input", in.dtype());
    boolean[] mask = Reduction.dimMask(op, in, dims);
    // ExecuTorch's own fast path divides by the count in the accumulator type
    boolean singleDim = dims != null && dims.length == 1 && mask != null;
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    FloatRows rows = FloatRows.get();

    return ctx -> {
      Reduction.resize(op, out, plans.outSizes(keepdim));
      int n = LastDim.rowLength(in, mask, out);
      if (n > 0 && in.dtype() == ScalarType.FLOAT && out.dtype() == ScalarType.FLOAT) {
        long nRows = in.numel() / n;
        MemorySegment src = in.data();
        MemorySegment dst = out.data();
        float denom = n;
        for (long i = 0; i < nRows; i++) {
          dst.setAtIndex(F32, i, rows.sum(src, i * n, n) / denom);
        }
        return;
      }
      boolean exactCount = singleDim && n > 0 && in.dtype() == out.dtype();
      mean(in, out, plans.get(out), Reduction.reducedCount(in, mask), exactCount);
    };
  }

  static void mean(TensorImpl in, TensorImpl out, Reduction.Plan plan, long num, boolean exactCount) {
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long[] offs = plan.offsets;
    float fnum = num;
    double dnum = exactCount ? (double) num : (double) fnum;
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      if (ot == ScalarType.DOUBLE) {
        double acc = 0;
        for (long off : offs) {
          acc += Elements.readDouble(it, src, base + off);
        }
        dst.setAtIndex(Elements.F64, plan.outOffsets[o], acc / dnum);
      } else {
        float acc = 0f;
        for (long off : offs) {
          acc += Reduction.readFloat(it, src, base + off);
        }
        Elements.writeDouble(ot, dst, plan.outOffsets[o], acc / fnum);
      }
    }
  }
}
