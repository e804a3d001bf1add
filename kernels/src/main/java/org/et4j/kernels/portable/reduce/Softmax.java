package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared body of {@code _softmax.out} and {@code _log_softmax.out} ({@code Tensor self, int
 * dim, bool half_to_float, *, Tensor(a!) out}), as ExecuTorch's {@code op_softmax.cpp} and
 * {@code op_log_softmax.cpp}: the row maximum is subtracted before {@code exp} for stability, the
 * exp-sum is accumulated in float (double for float64), and {@code half_to_float} must be false.
 */
final class Softmax {
  private Softmax() {}

  static KernelCall bind(String op, Value[] args, boolean log) {
    KernelChecks.argSlots(op, args, 4);
    TensorImpl in = args[0].toTensor();
    long dimArg = args[1].toInt();
    boolean halfToFloat = args[2].toBool();
    TensorImpl out = args[3].toTensor();

    // checks (check_log_softmax_args)
    if (halfToFloat) {
      throw KernelChecks.invalid(op, "half to float conversion is not supported on CPU");
    }
    if (in.dtype() != out.dtype()) {
      throw KernelChecks.invalid(op, "out " + out.describe() + " must have the dtype of the input " + in.describe());
    }
    Reduction.requireFloating(op, "input", in.dtype());
    int dim = Reduction.normalizeDim(op, in, dimArg);
    boolean[] mask = Reduction.singleDimMask(op, in, dimArg);
    Reduction.PlanCache inPlans = new Reduction.PlanCache(in, mask);
    Reduction.PlanCache outPlans = new Reduction.PlanCache(out, mask);
    FloatRows rows = FloatRows.get();

    return ctx -> {
      Reduction.resize(op, out, inPlans.inSizes());
      if (in.numel() == 0) {
        return;
      }
      if (in.dtype() == ScalarType.FLOAT && LastDim.applies(in, dim, out)) {
        int n = in.size(dim);
        long nRows = in.numel() / n;
        MemorySegment src = in.data();
        MemorySegment dst = out.data();
        for (long i = 0; i < nRows; i++) {
          if (log) {
            rows.logSoftmax(src, i * n, dst, i * n, n);
          } else {
            rows.softmax(src, i * n, dst, i * n, n);
          }
        }
        return;
      }
      compute(in, inPlans.get(null), out, outPlans.get(null), log);
    };
  }

  /** The reference loop for every floating dtype and dim. */
  static void compute(TensorImpl in, Reduction.Plan ip, TensorImpl out, Reduction.Plan op, boolean log) {
    ScalarType t = in.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long[] io = ip.offsets;
    long[] oo = op.offsets;
    boolean dbl = t == ScalarType.DOUBLE;
    for (int r = 0; r < ip.bases.length; r++) {
      long ib = ip.bases[r];
      long ob = op.bases[r];
      // std::max(v, acc): (v < acc) ? acc : v
      double max = Elements.readDouble(t, src, ib + io[0]);
      for (int j = 1; j < io.length; j++) {
        double v = Elements.readDouble(t, src, ib + io[j]);
        max = v < max ? max : v;
      }
      if (dbl) {
        double sum = 0;
        for (long off : io) {
          sum += Math.exp(Elements.readDouble(t, src, ib + off) - max);
        }
        double logSum = Math.log(sum);
        for (int j = 0; j < io.length; j++) {
          double v = Elements.readDouble(t, src, ib + io[j]);
          dst.setAtIndex(Elements.F64, ob + oo[j], log ? v - max - logSum : Math.exp(v - max) / sum);
        }
      } else {
        float fmax = (float) max;
        float sum = 0f;
        for (long off : io) {
          sum += (float) Math.exp((float) Elements.readDouble(t, src, ib + off) - fmax);
        }
        float logSum = (float) Math.log(sum);
        for (int j = 0; j < io.length; j++) {
          float v = (float) Elements.readDouble(t, src, ib + io[j]);
          float y = log ? v - fmax - logSum : (float) Math.exp(v - fmax) / sum;
          Elements.writeDouble(t, dst, ob + oo[j], y);
        }
      }
    }
  }
}
