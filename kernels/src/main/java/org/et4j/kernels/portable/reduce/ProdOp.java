package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::prod.out(Tensor self, *, ScalarType? dtype=None, Tensor(a!) out)} and
 * {@code aten::prod.int_out(Tensor self, int dim, bool keepdim=False, *, ScalarType? dtype=None,
 * Tensor(a!) out)}, as ExecuTorch's {@code op_prod.cpp}: the product is accumulated in the out
 * dtype (float16 and bfloat16 round after every multiply; integers wrap; bool is an "and"). Without
 * a dtype, {@code prod.out} of an integral or bool input gives int64, else the input's dtype.
 */
public final class ProdOp {
  static final String NAME = "aten::prod.out";
  static final String INT_NAME = "aten::prod.int_out";

  private ProdOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, ProdOp::bindAll);
    r.register(INT_NAME, ProdOp::bindDim);
  }

  private static KernelCall bindAll(Value[] args) {
    KernelChecks.argSlots(NAME, args, 3);
    TensorImpl in = args[0].toTensor();
    ScalarType dtype = Reduction.optionalDtype(args[1], NAME);
    TensorImpl out = args[2].toTensor();
    // checks (check_prod_out_args)
    ScalarType expected =
        dtype != null
            ? dtype
            : (in.dtype().isIntegral() || in.dtype() == ScalarType.BOOL) ? ScalarType.LONG : in.dtype();
    if (out.dtype() != expected) {
      throw KernelChecks.invalid(NAME, "out " + out.describe() + " must be " + expected.displayName());
    }
    Reduction.requireRealHBBF16(NAME, "input", in.dtype());
    Reduction.requireRealHBBF16(NAME, "out", out.dtype());
    Reduction.PlanCache plans = new Reduction.PlanCache(in, null);
    return ctx -> {
      Reduction.resize(NAME, out, new int[0]);
      prod(in, out, plans.get(out));
    };
  }

  private static KernelCall bindDim(Value[] args) {
    KernelChecks.argSlots(INT_NAME, args, 5);
    TensorImpl in = args[0].toTensor();
    long dim = args[1].toInt();
    boolean keepdim = args[2].toBool();
    ScalarType dtype = Reduction.optionalDtype(args[3], INT_NAME);
    TensorImpl out = args[4].toTensor();
    if (dtype != null && dtype != out.dtype()) {
      throw KernelChecks.invalid(INT_NAME, "dtype " + dtype.displayName() + " does not match out " + out.describe());
    }
    Reduction.requireRealHBBF16(INT_NAME, "input", in.dtype());
    Reduction.requireRealHBBF16(INT_NAME, "out", out.dtype());
    boolean[] mask = Reduction.singleDimMask(INT_NAME, in, dim);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    return ctx -> {
      Reduction.resize(INT_NAME, out, plans.outSizes(keepdim));
      prod(in, out, plans.get(out));
    };
  }

  static void prod(TensorImpl in, TensorImpl out, Reduction.Plan plan) {
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      if (ot.isFloatingPoint()) {
        double acc = 1;
        for (long off : plan.offsets) {
          acc = Reduction.roundTo(ot, acc * Reduction.readAsFloating(ot, it, src, base + off));
        }
        Elements.writeDouble(ot, dst, plan.outOffsets[o], acc);
      } else if (ot == ScalarType.BOOL) {
        boolean acc = true;
        for (long off : plan.offsets) {
          acc &= Elements.readBool(it, src, base + off);
        }
        Elements.writeLong(ot, dst, plan.outOffsets[o], acc ? 1 : 0);
      } else {
        long acc = 1;
        for (long off : plan.offsets) {
          long v =
              it.isFloatingPoint()
                  ? Reduction.floatToIntegral(ot, Elements.readDouble(it, src, base + off))
                  : Elements.readLong(it, src, base + off);
          acc *= v;
        }
        Elements.writeLong(ot, dst, plan.outOffsets[o], acc);
      }
    }
  }
}
