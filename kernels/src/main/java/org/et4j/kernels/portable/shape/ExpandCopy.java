package org.et4j.kernels.portable.shape;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::expand_copy.out(Tensor self, SymInt[] size, *, bool implicit=False, Tensor(a!)
 * out)}: broadcast self to {@code size} (-1 keeps a dimension; new leading dimensions are allowed).
 */
public final class ExpandCopy {
  private static final String OP = "aten::expand_copy.out";

  private ExpandCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ViewCopy.kernel(OP, 5, (op, self, args) -> expand(op, self, args[1])));
  }

  static StridedView expand(String op, TensorImpl self, Value sizeList) {
    int n = sizeList.intListLength();
    int rank = self.dim();
    if (n < rank) {
      throw KernelChecks.invalid(op, "size has " + n + " entries, fewer than the rank " + rank + " of self");
    }
    int[] sizes = new int[n];
    long[] strides = new long[n];
    for (int i = n - 1; i >= 0; i--) {
      int j = i - (n - rank);
      long want = sizeList.intListItem(i);
      if (j < 0) {
        if (want < 0) {
          throw KernelChecks.invalid(op, "size " + want + " is not allowed for a new leading dimension");
        }
        sizes[i] = Shapes.toSize(op, want, "size");
        strides[i] = 0;
        continue;
      }
      int have = self.size(j);
      if (want == -1 || want == have) {
        sizes[i] = have;
        strides[i] = self.stride(j);
      } else if (have == 1 && want >= 0) {
        sizes[i] = Shapes.toSize(op, want, "size");
        strides[i] = 0;
      } else {
        throw KernelChecks.invalid(
            op,
            "cannot expand "
                + self.describe()
                + " to "
                + Arrays.toString(sizeList.toIntList())
                + ": dimension "
                + j
                + " has size "
                + have);
      }
    }
    return new StridedView(sizes, 0, strides);
  }
}
