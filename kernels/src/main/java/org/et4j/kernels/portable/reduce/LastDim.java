package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.TensorImpl;

/**
 * The condition of ExecuTorch's reduction fast paths: a non-empty contiguous input reduced along
 * its innermost dim only (or over everything, which is one row), into a contiguous out, so that
 * row {@code i} of the input is elements {@code [i*n, (i+1)*n)} and its result goes to element
 * {@code i}.
 */
final class LastDim {
  private LastDim() {}

  /** The row length {@code n}, or -1 when the fast path does not apply. */
  static int rowLength(TensorImpl in, boolean[] mask, TensorImpl out) {
    int rank = in.dim();
    if (in.numel() == 0 || !in.isContiguous() || !out.isContiguous()) {
      return -1;
    }
    if (mask == null) {
      return in.numel() <= Integer.MAX_VALUE ? (int) in.numel() : -1;
    }
    for (int d = 0; d < rank - 1; d++) {
      if (mask[d]) {
        return -1;
      }
    }
    return mask[rank - 1] ? in.size(rank - 1) : -1;
  }

  /** For ops that take one dim and keep the input's shape (softmax): true when it is the last. */
  static boolean applies(TensorImpl in, int dim, TensorImpl out) {
    return in.dim() > 0
        && dim == in.dim() - 1
        && in.numel() > 0
        && in.isContiguous()
        && out.isContiguous();
  }
}
