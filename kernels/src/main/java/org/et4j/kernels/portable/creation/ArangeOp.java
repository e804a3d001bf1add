package org.et4j.kernels.portable.creation;

import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::arange.out(Scalar end, *, Tensor(a!) out)} and {@code
 * aten::arange.start_out(Scalar start, Scalar end, Scalar step=1, *, Tensor(a!) out)}: {@code
 * ceil((end - start) / step)} values {@code start + i·step}, computed in double and cast to out's
 * dtype, as ExecuTorch's {@code arange_out_impl}. out must be 1-d and not bool.
 */
public final class ArangeOp {
  private static final String END = "aten::arange.out";
  private static final String START = "aten::arange.start_out";

  private ArangeOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(END, kernel(END, 3, -1, 0, -1, 1));
    r.register(START, kernel(START, 5, 0, 1, 2, 3));
  }

  private static OpKernel kernel(String op, int arity, int startIndex, int endIndex, int stepIndex, int outIndex) {
    return args -> {
      KernelChecks.slotCount(op, args, arity);
      TensorImpl out0 = args[outIndex].toTensor();
      if (out0.dim() != 1) {
        throw KernelChecks.invalid(op, "out must be 1-d, got " + out0.describe());
      }
      if (out0.dtype() == ScalarType.BOOL) {
        throw KernelChecks.invalid(op, "out cannot be bool");
      }
      KernelChecks.contiguous(op, out0, "out");
      int[] watched = startIndex < 0 ? new int[] {endIndex} : new int[] {startIndex, endIndex, stepIndex};
      return new PlannedCall(args, watched) {
        private double start;
        private double step;

        @Override
        protected void plan() {
          start = startIndex < 0 ? 0 : scalar(op, args[startIndex], "start");
          double end = scalar(op, args[endIndex], "end");
          step = stepIndex < 0 ? 1 : scalar(op, args[stepIndex], "step");
          if (!((step > 0 && end >= start) || (step < 0 && end <= start))) {
            throw KernelChecks.invalid(op, "start " + start + ", end " + end + " and step " + step + " are inconsistent");
          }
          double n = Math.ceil((end - start) / step);
          if (!(n <= Integer.MAX_VALUE)) {
            throw KernelChecks.invalid(op, "too many elements: " + n);
          }
          Shapes.resize(op, args[outIndex].toTensor(), new int[] {(int) n});
        }

        @Override
        protected void run(KernelContext context) {
          TensorImpl out = args[outIndex].toTensor();
          long n = out.numel();
          if (n == 0) {
            return;
          }
          var data = out.data();
          ScalarType t = out.dtype();
          for (long i = 0; i < n; i++) {
            Elements.writeDouble(t, data, i, start + i * step);
          }
        }
      };
    };
  }

  private static double scalar(String op, Value v, String name) {
    CreationSupport.checkScalar(op, v, name);
    return v.scalarToDouble();
  }
}
