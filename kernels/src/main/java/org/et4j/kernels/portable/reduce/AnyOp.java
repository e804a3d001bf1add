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
 * {@code aten::any}, as ExecuTorch's {@code op_any.cpp}: {@code any.all_out(Tensor self, *,
 * Tensor(a!) out)}, {@code any.dims_out(Tensor self, int[]? dim=None, bool keepdim=False, *,
 * Tensor(a!) out)} and {@code any.out(Tensor self, int dim, bool keepdim=False, *, Tensor(a!)
 * out)}. The out is bool or uint8. An empty dim list in {@code dims_out} reduces nothing: the out
 * is the input cast to bool; None reduces everything. An empty reduction is false.
 */
public final class AnyOp {
  static final String ALL_NAME = "aten::any.all_out";
  static final String DIMS_NAME = "aten::any.dims_out";
  static final String DIM_NAME = "aten::any.out";

  private AnyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(ALL_NAME, args -> {
      KernelChecks.argSlots(ALL_NAME, args, 2);
      return bind(ALL_NAME, args[0].toTensor(), null, false, false, args[1].toTensor());
    });
    r.register(DIMS_NAME, args -> {
      KernelChecks.argSlots(DIMS_NAME, args, 4);
      int[] dims = args[1].toOptionalIntArray();
      boolean identity = dims != null && dims.length == 0;
      return bind(DIMS_NAME, args[0].toTensor(), dims, args[2].toBool(), identity, args[3].toTensor());
    });
    r.register(DIM_NAME, args -> {
      KernelChecks.argSlots(DIM_NAME, args, 4);
      return bind(
          DIM_NAME,
          args[0].toTensor(),
          new int[] {KernelChecks.dimArgument(DIM_NAME, args[1].toInt())},
          args[2].toBool(),
          false,
          args[3].toTensor());
    });
  }

  private static KernelCall bind(
      String op, TensorImpl in, int[] dims, boolean keepdim, boolean identity, TensorImpl out) {
    // checks
    Reduction.requireRealHBBF16(op, "input", in.dtype());
    if (out.dtype() != ScalarType.BOOL && out.dtype() != ScalarType.BYTE) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must be bool or uint8");
    }
    boolean[] mask = identity ? null : Reduction.dimMask(op, in, dims);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);
    Reduction.PlanCache inAll = new Reduction.PlanCache(in, null);
    Reduction.PlanCache outAll = new Reduction.PlanCache(out, null);

    return ctx -> {
      ScalarType it = in.dtype();
      ScalarType ot = out.dtype();
      MemorySegment src = in.data();
      MemorySegment dst = out.data();
      if (identity) {
        Reduction.resize(op, out, inAll.inSizes());
        long[] inOffs = inAll.get(null).offsets;
        long[] outOffs = outAll.get(null).offsets;
        for (int i = 0; i < inOffs.length; i++) {
          Elements.writeLong(ot, dst, outOffs[i], Elements.readBool(it, src, inOffs[i]) ? 1 : 0);
        }
        return;
      }
      Reduction.resize(op, out, plans.outSizes(keepdim));
      Reduction.Plan plan = plans.get(out);
      for (int o = 0; o < plan.bases.length; o++) {
        boolean any = false;
        for (long off : plan.offsets) {
          if (Elements.readBool(it, src, plan.bases[o] + off)) {
            any = true;
            break;
          }
        }
        Elements.writeLong(ot, dst, plan.outOffsets[o], any ? 1 : 0);
      }
    };
  }
}
