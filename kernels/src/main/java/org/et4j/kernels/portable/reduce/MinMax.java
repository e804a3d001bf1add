package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/** The shared bodies of {@link MaxOp} and {@link MinOp}. */
final class MinMax {
  private MinMax() {}

  /**
   * {@code max.dim_max} / {@code min.dim_min}: {@code (Tensor self, int dim, bool keepdim=False,
   * *, Tensor(a!) values, Tensor(b!) indices)}, the return slot being a TensorList of both.
   */
  static KernelCall bindDim(String op, Value[] args, boolean max) {
    KernelChecks.argSlots(op, args, 5);
    TensorImpl in = args[0].toTensor();
    long dim = args[1].toInt();
    boolean keepdim = args[2].toBool();
    TensorImpl values = args[3].toTensor();
    TensorImpl indices = args[4].toTensor();

    // checks (check_min_max_args)
    Reduction.requireRealHBBF16(op, "input", in.dtype());
    if (values.dtype() != in.dtype()) {
      throw KernelChecks.invalid(op, "values " + values.describe() + " must have the dtype of the input " + in.describe());
    }
    if (indices.dtype() != ScalarType.LONG) {
      throw KernelChecks.invalid(op, "indices " + indices.describe() + " must be int64");
    }
    boolean[] mask = Reduction.singleDimMask(op, in, dim);
    Reduction.PlanCache plans = new Reduction.PlanCache(in, mask);

    return ctx -> {
      int d = Reduction.normalizeDim(op, in, dim);
      if (in.dim() > 0 && in.size(d) == 0) {
        throw KernelChecks.invalid(op, "cannot reduce the empty dim " + d + " of " + in.describe());
      }
      int[] sizes = plans.outSizes(keepdim);
      Reduction.resize(op, values, sizes);
      Reduction.resize(op, indices, sizes);
      if (in.numel() == 0) {
        return;
      }
      Reduction.Plan plan = plans.get(values);
      long[] indexOffsets =
          indices.isContiguous() && values.isContiguous()
              ? plan.outOffsets
              : Reduction.offsets(indices.sizes(), indices.strides());
      IndexedExtrema.reduce(in, plan, max, values, plan.outOffsets, indices, indexOffsets);
    };
  }

  /**
   * {@code max.unary_out} / {@code min.unary_out}: {@code (Tensor self, *, Tensor(a!) out)} into a
   * 0-d out of any dtype the input can be cast to. Starts from -inf (+inf) or the type's lowest
   * (highest) value, so an empty input gives that bound; compares after the cast; a NaN ends the
   * scan.
   */
  static KernelCall bindUnary(String op, Value[] args, boolean max) {
    KernelChecks.argSlots(op, args, 2);
    TensorImpl in = args[0].toTensor();
    TensorImpl out = args[1].toTensor();
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    Reduction.requireRealHBBF16(op, "input", it);
    Reduction.requireRealHBBF16(op, "out", ot);
    if (!DtypeRules.canCast(it, ot)) {
      throw KernelChecks.invalid(op, "cannot cast " + it.displayName() + " to " + ot.displayName());
    }
    Reduction.PlanCache plans = new Reduction.PlanCache(in, null);
    return ctx -> {
      Reduction.resize(op, out, new int[0]);
      MemorySegment src = in.data();
      long[] offs = plans.get(null).offsets;
      if (ot.isFloatingPoint()) {
        double acc = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (long off : offs) {
          double v = Reduction.readAsFloating(ot, it, src, off);
          if (Double.isNaN(v)) {
            acc = v;
            break;
          }
          if (max ? v > acc : v < acc) {
            acc = v;
          }
        }
        Elements.writeDouble(ot, out.data(), 0, acc);
      } else {
        long acc = max ? lowest(ot) : highest(ot);
        for (long off : offs) {
          long v = Reduction.wrapIntegral(ot, Elements.readLong(it, src, off));
          if (max ? v > acc : v < acc) {
            acc = v;
          }
        }
        Elements.writeLong(ot, out.data(), 0, acc);
      }
    };
  }

  private static long lowest(ScalarType t) {
    return switch (t) {
      case BYTE, BOOL -> 0;
      case CHAR -> Byte.MIN_VALUE;
      case SHORT -> Short.MIN_VALUE;
      case INT -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  private static long highest(ScalarType t) {
    return switch (t) {
      case BYTE -> 255;
      case BOOL -> 1;
      case CHAR -> Byte.MAX_VALUE;
      case SHORT -> Short.MAX_VALUE;
      case INT -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }
}
