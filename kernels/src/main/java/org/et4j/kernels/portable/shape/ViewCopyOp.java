package org.et4j.kernels.portable.shape;

import java.util.Arrays;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::view_copy.out(Tensor self, SymInt[] size, *, Tensor(a!) out)}: the elements of
 * self, in logical row-major order, reshaped; one size may be -1 and is inferred.
 */
public final class ViewCopyOp {
  private static final String OP = "aten::view_copy.out";

  private ViewCopyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, ViewCopy.kernel(OP, 4, (op, self, args) -> reshapeView(op, self, args[1], args[2].toTensor())));
  }

  /** The view of self with the (possibly -1-bearing) sizes {@code sizeList}. */
  static StridedView reshapeView(String op, TensorImpl self, Value sizeList, TensorImpl out) {
    int[] sizes = inferSizes(op, self.numel(), sizeList);
    if (self.isContiguous()) {
      return new StridedView(sizes, 0, Shapes.contiguousStrides(sizes));
    }
    // A non-contiguous input is reshaped in storage order, as ExecuTorch's memcpy does; that is
    // only meaningful when out keeps the input's dim order.
    if (sizes.length == self.dim() && out.dim() == self.dim() && Arrays.equals(out.dimOrder(), self.dimOrder())) {
      return new StridedView(sizes, 0, stridesFor(sizes, self.dimOrder()));
    }
    throw KernelChecks.invalid(
        op,
        "cannot reshape self with dim order "
            + Arrays.toString(self.dimOrder())
            + " into out with dim order "
            + Arrays.toString(out.dimOrder()));
  }

  /** Sizes from a size list with at most one -1, checked against {@code numel}. */
  static int[] inferSizes(String op, long numel, Value sizeList) {
    int n = sizeList.intListLength();
    int[] sizes = new int[n];
    int inferred = -1;
    long known = 1;
    for (int i = 0; i < n; i++) {
      long s = sizeList.intListItem(i);
      if (s == -1) {
        if (inferred >= 0) {
          throw KernelChecks.invalid(op, "at most one size can be -1");
        }
        inferred = i;
      } else if (s < 0) {
        throw KernelChecks.invalid(op, "negative size " + s);
      } else {
        sizes[i] = Shapes.toSize(op, s, "size");
        known *= s;
      }
    }
    if (inferred >= 0) {
      if (known == 0) {
        throw KernelChecks.invalid(op, "cannot infer the -1 size when another size is 0");
      }
      sizes[inferred] = Shapes.toSize(op, numel / known, "inferred size");
      known *= sizes[inferred];
    }
    if (known != numel) {
      throw KernelChecks.invalid(
          op, "shape " + Arrays.toString(sizes) + " is invalid for an input of " + numel + " elements");
    }
    return sizes;
  }

  /** Strides for {@code sizes} laid out in {@code dimOrder}. */
  static long[] stridesFor(int[] sizes, int[] dimOrder) {
    long[] s = new long[sizes.length];
    long n = 1;
    for (int i = dimOrder.length - 1; i >= 0; i--) {
      s[dimOrder[i]] = n;
      n *= sizes[dimOrder[i]];
    }
    return s;
  }
}
