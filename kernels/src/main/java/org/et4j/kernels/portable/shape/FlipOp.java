package org.et4j.kernels.portable.shape;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelRegistry;

/** {@code aten::flip.out(Tensor self, int[] dims, *, Tensor(a!) out)}: reverse along each of dims. */
public final class FlipOp {
  private static final String OP = "aten::flip.out";

  private FlipOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        ViewCopy.kernel(
            OP,
            4,
            (op, self, args) -> {
              long[] strides = self.strides();
              boolean[] seen = new boolean[Math.max(self.dim(), 1)];
              long offset = 0;
              for (int i = 0; i < args[1].intListLength(); i++) {
                int d = Shapes.wrapDim(op, args[1].intListItem(i), self.dim());
                if (seen[d]) {
                  throw KernelChecks.invalid(op, "dim " + d + " appears twice in dims");
                }
                seen[d] = true;
                if (self.dim() > 0 && self.size(d) > 0) {
                  offset += (self.size(d) - 1L) * strides[d];
                  strides[d] = -strides[d];
                }
              }
              return new StridedView(self.sizes(), offset, strides);
            }));
  }
}
