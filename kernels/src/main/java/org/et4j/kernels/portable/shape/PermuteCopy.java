package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/** {@code aten::permute_copy.out(Tensor self, int[] dims, *, Tensor(a!) out)}. */
public final class PermuteCopy {
  private static final String OP = "aten::permute_copy.out";

  private PermuteCopy() {}

  public static void register(KernelRegistry.Builder r) {
    OpKernel copy =
        ViewCopy.kernel(
            OP,
            4,
            (op, self, args) -> {
              int n = self.dim();
              if (args[1].intListLength() != n) {
                throw KernelChecks.invalid(
                    op, "dims has " + args[1].intListLength() + " entries for a tensor of rank " + n);
              }
              int[] sizes = new int[n];
              long[] strides = new long[n];
              boolean[] seen = new boolean[n];
              for (int i = 0; i < n; i++) {
                int d = Shapes.wrapDim(op, args[1].intListItem(i), n);
                if (seen[d]) {
                  throw KernelChecks.invalid(op, "dim " + d + " appears twice in dims");
                }
                seen[d] = true;
                sizes[i] = self.size(d);
                strides[i] = self.stride(d);
              }
              return new StridedView(sizes, 0, strides);
            });
    r.register(
        OP,
        args -> {
          KernelCall call = copy.bind(args);
          TensorImpl self = args[0].toTensor();
          int n = self.dim();
          if (self.isProgramConstant() && args[1].intListLength() == n) {
            // Invalid dims are left to the copy, which reports them when it runs.
            int[] dims = new int[n];
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
              long d = args[1].intListItem(i);
              d = d < 0 ? d + n : d;
              if (d < 0 || d >= n || seen[(int) d]) {
                return call;
              }
              seen[(int) d] = true;
              dims[i] = (int) d;
            }
            ConstantPermutation.record(self, dims, args[2].toTensor());
          }
          return call;
        });
  }

  /** The view of self with dimensions {@code a} and {@code b} swapped. */
  static StridedView swap(TensorImpl self, int a, int b) {
    int[] sizes = self.sizes();
    long[] strides = self.strides();
    int s = sizes[a];
    sizes[a] = sizes[b];
    sizes[b] = s;
    long t = strides[a];
    strides[a] = strides[b];
    strides[b] = t;
    return new StridedView(sizes, 0, strides);
  }
}
