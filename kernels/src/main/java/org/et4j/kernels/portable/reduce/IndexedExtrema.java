package org.et4j.kernels.portable.reduce;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The shared loop of {@code argmax}, {@code argmin}, {@code max.dim_max} and {@code min.dim_min}:
 * the first element, then each later one wins when the current winner is not NaN and the new one
 * is NaN or strictly larger (smaller). So the index is that of the first NaN, else of the first
 * extreme value, as ExecuTorch's kernels return it.
 */
final class IndexedExtrema {
  private IndexedExtrema() {}

  /**
   * Reduces along {@code plan}; writes values (when {@code values} is not null) at
   * {@code valueOffsets} and int64 indices at {@code indexOffsets}.
   */
  static void reduce(
      TensorImpl in,
      Reduction.Plan plan,
      boolean max,
      TensorImpl values,
      long[] valueOffsets,
      TensorImpl indices,
      long[] indexOffsets) {
    ScalarType t = in.dtype();
    MemorySegment src = in.data();
    MemorySegment vdst = values == null ? null : values.data();
    MemorySegment idst = indices.data();
    long[] offs = plan.offsets;
    for (int o = 0; o < plan.bases.length; o++) {
      long base = plan.bases[o];
      int best = 0;
      if (t.isFloatingPoint()) {
        double acc = Elements.readDouble(t, src, base + offs[0]);
        for (int r = 1; r < offs.length && !Double.isNaN(acc); r++) {
          double v = Elements.readDouble(t, src, base + offs[r]);
          if (Double.isNaN(v) || (max ? v > acc : v < acc)) {
            acc = v;
            best = r;
          }
        }
        if (vdst != null) {
          Elements.writeDouble(t, vdst, valueOffsets[o], acc);
        }
      } else {
        long acc = Elements.readLong(t, src, base + offs[0]);
        for (int r = 1; r < offs.length; r++) {
          long v = Elements.readLong(t, src, base + offs[r]);
          if (max ? v > acc : v < acc) {
            acc = v;
            best = r;
          }
        }
        if (vdst != null) {
          Elements.writeLong(t, vdst, valueOffsets[o], acc);
        }
      }
      idst.setAtIndex(Elements.I64, indexOffsets[o], best);
    }
  }
}
