package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/** {@code aten::select_copy.int_out(Tensor self, int dim, SymInt index, *, Tensor(a!) out)}. */
public final class SelectCopy {
  private static final String OP = "aten::select_copy.int_out";

  private SelectCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ViewCopy.kernel(OP, 5, (op, self, args) -> select(op, self, args[1].toInt(), args[2].toInt())));
  }

  /** The view of self at {@code index} along {@code dimArg}, that dimension removed. */
  static StridedView select(String op, TensorImpl self, long dimArg, long index) {
    if (self.dim() == 0) {
      throw KernelChecks.invalid(op, "cannot select from a 0-d tensor");
    }
    int dim = Shapes.wrapDim(op, dimArg, self.dim());
    long size = self.size(dim);
    long i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      throw KernelChecks.indexOutOfRange(op, index, dim, size);
    }
    int n = self.dim() - 1;
    int[] sizes = new int[n];
    long[] strides = new long[n];
    for (int d = 0, j = 0; d <= n; d++) {
      if (d != dim) {
        sizes[j] = self.size(d);
        strides[j] = self.stride(d);
        j++;
      }
    }
    return new StridedView(sizes, i * self.stride(dim), strides);
  }
}
