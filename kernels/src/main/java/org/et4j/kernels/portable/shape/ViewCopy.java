package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The shared kernel of the ops whose output is a strided view of their input materialized into
 * {@code out} (permute, transpose, expand, slice, select, ...): the op file says how the view is
 * computed; this class checks dtypes, resizes {@code out} and copies, honoring both tensors' dim
 * orders.
 */
final class ViewCopy {
  /** Computes the view of {@code self} an op produces from its arguments. */
  @FunctionalInterface
  interface ViewFunction {
    StridedView view(String op, TensorImpl self, Value[] args);
  }

  private ViewCopy() {}

  /**
   * A kernel for a single-output op with {@code arity} slots (schema arguments plus the return
   * slot) whose input is {@code args[0]} and output {@code args[arity - 2]}; dtypes must match.
   */
  static OpKernel kernel(String op, int arity, ViewFunction function) {
    return kernel(op, arity, 0, arity - 2, false, function);
  }

  /**
   * The general form: the view is of {@code args[sourceIndex]}, written to {@code
   * args[outIndex]}; with {@code convert} the dtypes may differ and each element is converted.
   */
  static OpKernel kernel(
      String op, int arity, int sourceIndex, int outIndex, boolean convert, ViewFunction function) {
    return args -> {
      KernelChecks.slotCount(op, args, arity);
      TensorImpl source = args[sourceIndex].toTensor();
      TensorImpl out = args[outIndex].toTensor();
      if (!convert) {
        KernelChecks.sameDtype(op, source, sourceIndex == 0 ? "self" : "src", out, "out");
      }
      int[] watched = outIndex == arity - 2 ? inputs(arity) : allButReturn(arity);
      return new PlannedCall(args, watched) {
        private StridedCopy copy;

        @Override
        protected void plan() {
          TensorImpl in = args[sourceIndex].toTensor();
          TensorImpl o = args[outIndex].toTensor();
          StridedView v = function.view(op, in, args);
          Shapes.resize(op, o, v.sizes());
          copy = StridedCopy.of(in.dtype(), v.offset(), v.sizes(), v.strides(), o.dtype(), 0, o.strides());
        }

        @Override
        protected void run(KernelContext context) {
          if (!copy.isEmpty()) {
            copy.run(args[sourceIndex].toTensor().data(), args[outIndex].toTensor().data());
          }
        }
      };
    };
  }

  private static int[] allButReturn(int arity) {
    int[] w = new int[arity - 1];
    for (int i = 0; i < w.length; i++) {
      w[i] = i;
    }
    return w;
  }

  /** Indices of the input arguments of a single-output op: all but out and the return slot. */
  static int[] inputs(int arity) {
    int[] w = new int[arity - 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = i;
    }
    return w;
  }

  /**
   * The view of {@code src} broadcast to {@code target} sizes (trailing dimensions aligned; size-1
   * and missing dimensions repeat with stride 0).
   */
  static StridedView broadcast(String op, TensorImpl src, int[] target) {
    int n = target.length;
    int rank = src.dim();
    if (rank > n) {
      throw KernelChecks.invalid(op, src.describe() + " cannot be broadcast to rank " + n);
    }
    long[] strides = new long[n];
    for (int i = 0; i < n; i++) {
      int j = i - (n - rank);
      if (j < 0) {
        continue;
      }
      if (src.size(j) == target[i]) {
        strides[i] = src.stride(j);
      } else if (src.size(j) != 1) {
        throw KernelChecks.invalid(
            op, src.describe() + " cannot be broadcast to " + java.util.Arrays.toString(target));
      }
    }
    return new StridedView(target.clone(), 0, strides);
  }

  /** The identity view of {@code self}. */
  static StridedView identity(TensorImpl self) {
    return new StridedView(self.sizes(), 0, self.strides());
  }
}
