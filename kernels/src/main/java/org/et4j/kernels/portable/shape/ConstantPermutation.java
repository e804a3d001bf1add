package org.et4j.kernels.portable.shape;

import org.et4j.runtime.kernel.ConstantDerivation;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * Tells the consumers of a {@code permute_copy} / {@code t_copy} of a program constant what the
 * copy holds ({@link TensorImpl#deriveFromConstant}), so that {@code addmm} and {@code mm} pack
 * the transposed weight of a linear layer once at bind instead of from the copy on every call. The
 * copy itself still runs: other consumers may read it.
 */
final class ConstantPermutation {
  private ConstantPermutation() {}

  /** Records {@code out = permute(self, dims)} when self is a constant (the copy resizes out to the constant's permuted sizes, which never change). */
  static void record(TensorImpl self, int[] dims, TensorImpl out) {
    if (!self.isProgramConstant()
        || !self.isContiguous()
        || !out.isContiguous()
        || out.dim() != self.dim()) {
      return;
    }
    for (int d = 0; d < dims.length; d++) {
      if (out.size(d) != self.size(dims[d])) {
        return;
      }
    }
    out.deriveFromConstant(new ConstantDerivation(self, dims));
  }
}
