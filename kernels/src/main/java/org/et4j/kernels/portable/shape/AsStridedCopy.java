package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::as_strided_copy.out(Tensor self, SymInt[] size, SymInt[] stride, SymInt?
 * storage_offset=None, *, Tensor(a!) out)}: a view of self's storage (which must be contiguous)
 * with explicit strides; the view must stay inside the storage.
 */
public final class AsStridedCopy {
  private static final String OP = "aten::as_strided_copy.out";

  private AsStridedCopy() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            6,
            (op, self, args) -> {
              KernelChecks.contiguous(op, self, "self");
              int n = args[1].intListLength();
              if (args[2].intListLength() != n) {
                throw KernelChecks.invalid(op, "size has " + n + " entries but stride has " + args[2].intListLength());
              }
              long offset = args[3].isNone() ? 0 : args[3].toInt();
              if (offset < 0) {
                throw KernelChecks.invalid(op, "negative storage offset " + offset);
              }
              int[] sizes = new int[n];
              long[] strides = new long[n];
              long last = 0;
              boolean empty = false;
              for (int i = 0; i < n; i++) {
                sizes[i] = Shapes.toSize(op, args[1].intListItem(i), "size");
                strides[i] = args[2].intListItem(i);
                if (strides[i] < 0) {
                  throw KernelChecks.invalid(op, "negative stride " + strides[i]);
                }
                empty |= sizes[i] == 0;
                last += (sizes[i] - 1L) * strides[i];
              }
              if (!empty && offset + last >= self.numel()) {
                throw KernelChecks.invalid(
                    op,
                    "the view reaches element "
                        + (offset + last)
                        + " but self has only "
                        + self.numel());
              }
              return new StridedView(sizes, offset, strides);
            }));
  }
}
