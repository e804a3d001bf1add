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
 * {@code aten::cumsum.out(Tensor self, int dim, *, ScalarType? dtype=None, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_cumsum.cpp}: each element is cast to the out dtype and added to the
 * previous output along {@code dim}, in the out dtype (float16/bfloat16 round at every step,
 * integers wrap, bool is an "or").
 */
public final class CumsumOp {
  static final String NAME = "aten::cumsum.out";

  private CumsumOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, CumsumOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 4);
    TensorImpl in = args[0].toTensor();
    long dim = args[1].toInt();
    ScalarType dtype = Reduction.optionalDtype(args[2], NAME);
    TensorImpl out = args[3].toTensor();

    // checks (check_cumsum_args)
    boolean[] mask = Reduction.singleDimMask(NAME, in, dim);
    if (dtype != null && dtype != out.dtype()) {
      throw KernelChecks.invalid(NAME, "dtype " + dtype.displayName() + " does not match out " + out.describe());
    }
    Reduction.requireRealHBBF16(NAME, "input", in.dtype());
    Reduction.requireRealHBBF16(NAME, "out", out.dtype());
    Reduction.PlanCache inPlans = new Reduction.PlanCache(in, mask);
    Reduction.PlanCache outPlans = new Reduction.PlanCache(out, mask);

    return ctx -> {
      Reduction.resize(NAME, out, inPlans.inSizes());
      Reduction.Plan ip = inPlans.get(null);
      Reduction.Plan op = outPlans.get(null);
      ScalarType it = in.dtype();
      ScalarType ot = out.dtype();
      MemorySegment src = in.data();
      MemorySegment dst = out.data();
      for (int o = 0; o < ip.bases.length; o++) {
        long ib = ip.bases[o];
        long ob = op.bases[o];
        if (ot.isFloatingPoint()) {
          double acc = 0;
          for (int j = 0; j < ip.offsets.length; j++) {
            double v = Reduction.readAsFloating(ot, it, src, ib + ip.offsets[j]);
            acc = j == 0 ? v : Reduction.roundTo(ot, v + acc);
            Elements.writeDouble(ot, dst, ob + op.offsets[j], acc);
          }
        } else {
          long acc = 0;
          for (int j = 0; j < ip.offsets.length; j++) {
            long v =
                it.isFloatingPoint()
                    ? Reduction.floatToIntegral(ot, Elements.readDouble(it, src, ib + ip.offsets[j]))
                    : Elements.readLong(it, src, ib + ip.offsets[j]);
            acc = Reduction.wrapIntegral(ot, acc + v);
            Elements.writeLong(ot, dst, ob + op.offsets[j], acc);
          }
        }
      }
    };
  }
}
