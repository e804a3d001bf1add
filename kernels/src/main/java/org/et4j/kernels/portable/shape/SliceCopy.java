package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::slice_copy.Tensor_out(Tensor self, int dim=0, SymInt? start=None, SymInt?
 * end=None, SymInt step=1, *, Tensor(a!) out)}: Python slicing along one dimension; start and end
 * wrap once when negative and are then clamped to the dimension, as ExecuTorch's {@code
 * adjust_slice_indices}.
 */
public final class SliceCopy {
  private static final String OP = "aten::slice_copy.Tensor_out";

  private SliceCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            7,
            (op, self, args) -> slice(op, self, args[1].toInt(), args[2], args[3], args[4].toInt())));
  }

  /** The sliced view of self. */
  static StridedView slice(String op, TensorImpl self, long dimArg, Value start, Value end, long step) {
    if (self.dim() == 0) {
      throw KernelChecks.invalid(op, "cannot slice a 0-d tensor");
    }
    int dim = Shapes.wrapDim(op, dimArg, self.dim());
    if (step <= 0) {
      throw KernelChecks.invalid(op, "step must be positive, got " + step);
    }
    long[] range = adjust(self.size(dim), start.isNone() ? 0 : start.toInt(), end.isNone() ? Long.MAX_VALUE : end.toInt(), step);
    int[] sizes = Shapes.withSize(self.sizes(), dim, (int) range[2]);
    long[] strides = self.strides();
    long offset = range[0] * strides[dim];
    strides[dim] *= step;
    return new StridedView(sizes, offset, strides);
  }

  /** {start, end, count} of a slice of a dimension of {@code length}. */
  static long[] adjust(long length, long start, long end, long step) {
    start = start < 0 ? start + length : start;
    end = end < 0 ? end + length : end;
    start = Math.min(Math.max(start, 0), length);
    end = Math.min(Math.max(end, 0), length);
    long count = start >= length || end <= 0 || start >= end ? 0 : (end - 1 - start) / step + 1;
    return new long[] {start, end, count};
  }
}
