package org.et4j.kernels.util;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order, whatever the JIT state:
 * {@code reduceLanes(ADD)}'s order is unspecified (its interpreted fallback adds the lanes in
 * sequence, an intrinsic may add them as a tree), so its last bit may change once C2 compiles
 * the caller. Here the lanes are folded in halves with constant shuffles, lane {@code i} with lane
 * {@code i + L/2}, then {@code i + L/4}, ..., each step an exactly rounded vector add, and lane 0
 * is the result: {@code ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7))} for 8 lanes. Loaded
 * only when the Vector API is enabled; callers pass vectors of a constant species so that C2
 * inlines this and folds the length tests.
 */
public final class FixedOrderLanes {
  private static final Folds F128 = new Folds(FloatVector.SPECIES_128);
  private static final Folds F256 = new Folds(FloatVector.SPECIES_256);
  private static final Folds F512 = new Folds(FloatVector.SPECIES_512);

  private FixedOrderLanes() {}

  /** The swap-by-distance shuffles of one species; null where the distance is not below its length. */
  private record Folds(
      VectorShuffle<Float> by8, VectorShuffle<Float> by4, VectorShuffle<Float> by2, VectorShuffle<Float> by1) {
    Folds(VectorSpecies<Float> s) {
      this(swap(s, 8), swap(s, 4), swap(s, 2), swap(s, 1));
    }

    private static VectorShuffle<Float> swap(VectorSpecies<Float> s, int distance) {
      return distance < s.length() ? VectorShuffle.fromOp(s, i -> i ^ distance) : null;
    }
  }

  /** The lanes' sum in the fixed tree order described above. */
  public static float sum(FloatVector v) {
    int lanes = v.length();
    Folds f = lanes == 4 ? F128 : lanes == 8 ? F256 : lanes == 16 ? F512 : null;
    if (f == null) {
      return sequential(v);
    }
    if (lanes >= 16) {
      v = v.add(v.rearrange(f.by8()));
    }
    if (lanes >= 8) {
      v = v.add(v.rearrange(f.by4()));
    }
    v = v.add(v.rearrange(f.by2()));
    v = v.add(v.rearrange(f.by1()));
    return v.lane(0);
  }

  /** Other shapes (64-bit species, or wider than 512 bits): the lanes in index order. */
  private static float sequential(FloatVector v) {
    float r = 0f;
    for (int i = 0; i < v.length(); i++) {
      r += v.lane(i);
    }
    return r;
  }
}
