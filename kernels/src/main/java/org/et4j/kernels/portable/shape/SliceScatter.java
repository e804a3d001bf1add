package org.et4j.kernels.portable.shape;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::slice_scatter.out(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt?
 * end=None, SymInt step=1, *, Tensor(a!) out)}: out is self with the slice replaced by src.
 */
public final class SliceScatter {
  private static final String OP = "aten::slice_scatter.out";

  private SliceScatter() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        kernel(OP, 8, (op, out, args) -> SliceCopy.slice(op, out, args[2].toInt(), args[3], args[4], args[5].toInt())));
  }

  /**
   * The kernel of the scatter-into-a-view ops: out = self, then src (args[1]) copied into the view
   * of out that {@code function} computes (from out, already resized to self's shape).
   */
  static OpKernel kernel(String op, int arity, ViewCopy.ViewFunction function) {
    return args -> {
      KernelChecks.slotCount(op, args, arity);
      int outIndex = arity - 2;
      TensorImpl self = args[0].toTensor();
      KernelChecks.sameDtype(op, self, "self", args[outIndex].toTensor(), "out");
      KernelChecks.sameDtype(op, self, "self", args[1].toTensor(), "src");
      return new PlannedCall(args, ViewCopy.inputs(arity)) {
        private StridedCopy whole;
        private StridedCopy part;

        @Override
        protected void plan() {
          TensorImpl in = args[0].toTensor();
          TensorImpl src = args[1].toTensor();
          TensorImpl out = args[outIndex].toTensor();
          Shapes.resize(op, out, in.sizes());
          StridedView v = function.view(op, out, args);
          if (!src.hasSizes(v.sizes())) {
            throw KernelChecks.invalid(op, "src " + src.describe() + " does not match the target shape " + Arrays.toString(v.sizes()));
          }
          whole = StridedCopy.of(in.dtype(), 0, in.sizes(), in.strides(), out.dtype(), 0, out.strides());
          part = StridedCopy.of(src.dtype(), 0, src.sizes(), src.strides(), out.dtype(), v.offset(), v.strides());
        }

        @Override
        protected void run(KernelContext context) {
          var out = args[outIndex].toTensor().data();
          if (!whole.isEmpty()) {
            whole.run(args[0].toTensor().data(), out);
          }
          if (!part.isEmpty()) {
            part.run(args[1].toTensor().data(), out);
          }
        }
      };
    };
  }
}
