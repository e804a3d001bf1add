package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The index walk shared by {@code gather}, {@code scatter} and {@code scatter_add}: every
 * position of the index tensor names, through its value, a position of the indexed tensor along
 * {@code dim} (and its own coordinates elsewhere). Tensors must be contiguous; 0-d tensors count
 * as 1-d with one element, as ExecuTorch's {@code nonzero_dim}.
 */
final class GatherScatter {
  private GatherScatter() {}

  /** What a walk does at each index position. */
  enum Mode {
    /** {@code b[other] = a[indexed]}. */
    GATHER,
    /** {@code b[indexed] = a[other]}. */
    SCATTER,
    /** {@code b[indexed] += a[other]}. */
    SCATTER_ADD,
    /** {@code b[indexed] = a[0]}. */
    SCATTER_VALUE
  }

  static int rank(TensorImpl t) {
    return Math.max(t.dim(), 1);
  }

  static int size(TensorImpl t, int d) {
    return t.dim() == 0 ? 1 : t.size(d);
  }

  static long stride(TensorImpl t, int d) {
    return t.dim() == 0 ? 1 : t.stride(d);
  }

  /**
   * Checks shapes: index has the rank of {@code indexed}; outside dim its sizes are within {@code
   * indexed}'s, everywhere within {@code other}'s (when given).
   */
  static int check(String op, TensorImpl indexed, long dimArg, TensorImpl index, TensorImpl other) {
    KernelChecks.indexType(op, index, "index");
    KernelChecks.contiguous(op, indexed, "self");
    KernelChecks.contiguous(op, index, "index");
    int dim = Shapes.wrapDim(op, dimArg, indexed.dim());
    if (index.numel() == 0) {
      return dim;
    }
    if (rank(index) != rank(indexed)) {
      throw KernelChecks.invalid(op, "index " + index.describe() + " and self " + indexed.describe() + " must have the same rank");
    }
    if (other != null && rank(other) != rank(index)) {
      throw KernelChecks.invalid(op, other.describe() + " must have the rank of index " + index.describe());
    }
    for (int d = 0; d < rank(index); d++) {
      if (d != dim && size(index, d) > size(indexed, d)) {
        throw KernelChecks.invalid(op, "index " + index.describe() + " is larger than self " + indexed.describe() + " in dimension " + d);
      }
      if (other != null && size(index, d) > size(other, d)) {
        throw KernelChecks.invalid(op, "index " + index.describe() + " is larger than " + other.describe() + " in dimension " + d);
      }
    }
    return dim;
  }

  /**
   * Walks the index in row-major order ({@code coord} is scratch of at least the index's rank);
   * {@code other} may be null (no other offsets).
   */
  static void walk(
      String op,
      TensorImpl indexed,
      int dim,
      TensorImpl index,
      TensorImpl other,
      int[] coord,
      Mode mode,
      MemorySegment a,
      MemorySegment b,
      int es) {
    long n = index.numel();
    if (n == 0) {
      return;
    }
    int rank = rank(index);
    java.util.Arrays.fill(coord, 0);
    MemorySegment idx = index.data();
    var type = index.dtype();
    var valueType = indexed.dtype();
    long dimSize = size(indexed, dim);
    long dimStride = stride(indexed, dim);
    long base = 0;
    long otherOff = 0;
    for (long k = 0; k < n; k++) {
      long v = Elements.readLong(type, idx, k);
      if (v < 0 || v >= dimSize) {
        throw KernelChecks.indexOutOfRange(op, v, dim, dimSize);
      }
      long at = base + v * dimStride;
      switch (mode) {
        case GATHER -> StridedCopy.copyElement(a, at, b, otherOff, es);
        case SCATTER -> StridedCopy.copyElement(a, otherOff, b, at, es);
        case SCATTER_ADD -> StridedCopy.addElement(valueType, a, otherOff, b, at);
        case SCATTER_VALUE -> StridedCopy.copyElement(a, 0, b, at, es);
      }
      for (int d = rank - 1; d >= 0; d--) {
        long s = d == dim ? 0 : stride(indexed, d);
        long o = other == null ? 0 : stride(other, d);
        base += s;
        otherOff += o;
        if (++coord[d] < size(index, d)) {
          break;
        }
        base -= s * size(index, d);
        otherOff -= o * size(index, d);
        coord[d] = 0;
      }
    }
  }
}
