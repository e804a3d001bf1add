package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;

/**
 * ExecuTorch's {@code distance_util.h} norms, in the dtype's arithmetic: p = 0 counts non-equal
 * elements, 1 sums absolute differences, 2 is Euclidean, infinity the largest difference, other p
 * {@code (sum |d|^p)^(1/p)} with p itself rounded to the dtype.
 */
final class Distance {
  private Distance() {}

  static double distance(ScalarType t, MemorySegment a, long aOff, MemorySegment b, long bOff, int m, double p) {
    double agg = 0;
    double pt = Reduction.roundTo(t, p);
    for (int k = 0; k < m; k++) {
      double diff =
          Math.abs(Reduction.roundTo(t, Elements.readDouble(t, a, aOff + k) - Elements.readDouble(t, b, bOff + k)));
      double up;
      if (p == 0.0) {
        up = diff == 0 ? 0 : 1;
      } else if (p == 1.0 || p == Double.POSITIVE_INFINITY) {
        up = diff;
      } else if (p == 2.0) {
        up = Reduction.roundTo(t, diff * diff);
      } else {
        up = Reduction.roundTo(t, Math.pow(diff, pt));
      }
      if (p == Double.POSITIVE_INFINITY) {
        agg = agg < up ? up : agg;
      } else {
        agg = Reduction.roundTo(t, agg + up);
      }
    }
    if (p == 2.0) {
      return Reduction.roundTo(t, Math.sqrt(agg));
    }
    if (p != 0.0 && p != 1.0 && p != Double.POSITIVE_INFINITY) {
      return Reduction.roundTo(t, Math.pow(agg, Reduction.roundTo(t, 1.0 / pt)));
    }
    return agg;
  }
}
