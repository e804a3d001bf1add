package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared kernel of the splitting ops ({@code split_copy}, {@code split_with_sizes_copy},
 * {@code unbind_copy}): {@code self} is {@code args[0]}, the outputs are the tensor list at {@code
 * args[outIndex]}, and each output is a view of self, converted to the output's dtype. These ops
 * return {@code ()}, so a program may or may not add a return slot after the list; both are
 * accepted.
 */
final class MultiViewCopy {
  /** The views of self for each output. */
  @FunctionalInterface
  interface ViewsFunction {
    StridedView[] views(String op, TensorImpl self, Value[] args, int outputs);
  }

  private MultiViewCopy() {}

  static OpKernel kernel(String op, int outIndex, ViewsFunction function) {
    return args -> {
      if (args.length != outIndex + 1 && args.length != outIndex + 2) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_PROGRAM,
            op + ": expected " + (outIndex + 1) + " or " + (outIndex + 2) + " argument slots, got " + args.length);
      }
      TensorImpl[] outs = KernelChecks.tensorList(op, args[outIndex], "out");
      for (int i = 1; i < outs.length; i++) {
        if (outs[i].dtype() != outs[0].dtype()) {
          throw KernelChecks.invalid(op, "out[" + i + "] is " + outs[i].dtype().displayName() + " but out[0] is " + outs[0].dtype().displayName());
        }
      }
      int[] watched = new int[outIndex];
      for (int i = 0; i < outIndex; i++) {
        watched[i] = i;
      }
      return new PlannedCall(args, watched) {
        private StridedCopy[] copies;

        @Override
        protected void plan() {
          TensorImpl self = args[0].toTensor();
          TensorImpl[] o = KernelChecks.tensorList(op, args[outIndex], "out");
          StridedView[] views = function.views(op, self, args, o.length);
          if (views.length != o.length) {
            throw KernelChecks.invalid(op, "produces " + views.length + " tensors but out has " + o.length);
          }
          copies = new StridedCopy[o.length];
          for (int i = 0; i < o.length; i++) {
            StridedView v = views[i];
            Shapes.resize(op + " out[" + i + "]", o[i], v.sizes());
            copies[i] = StridedCopy.of(self.dtype(), v.offset(), v.sizes(), v.strides(), o[i].dtype(), 0, o[i].strides());
          }
        }

        @Override
        protected void run(KernelContext context) {
          var src = args[0].toTensor().data();
          Value[] slots = args[outIndex].tensorListSlots();
          for (int i = 0; i < copies.length; i++) {
            if (!copies[i].isEmpty()) {
              copies[i].run(src, slots[i].toTensor().data());
            }
          }
        }
      };
    };
  }

  /** Consecutive pieces of {@code lengths} along {@code dim}. */
  static StridedView[] pieces(TensorImpl self, int dim, long[] lengths) {
    StridedView[] views = new StridedView[lengths.length];
    long at = 0;
    for (int i = 0; i < lengths.length; i++) {
      views[i] =
          new StridedView(Shapes.withSize(self.sizes(), dim, (int) lengths[i]), at * self.stride(dim), self.strides());
      at += lengths[i];
    }
    return views;
  }
}
