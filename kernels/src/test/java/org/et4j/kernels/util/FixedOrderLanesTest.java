package org.et4j.kernels.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FixedOrderLanes#sum} adds the lanes in its documented tree order, the same bits before
 * and after C2 compiles the caller (reduceLanes(ADD) changed in most vectors of mixed magnitudes
 * once compiled). The lanes mix magnitudes 1 and 1e4 so that every order rounds differently.
 */
class FixedOrderLanesTest {
  @BeforeAll
  static void vectorModule() {
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
  }

  /** The tree order written out in scalar code: lane i with lane i + L/2, then i + L/4, ... */
  static float tree(float[] lanes, int from, int length) {
    float[] v = java.util.Arrays.copyOfRange(lanes, from, from + length);
    for (int half = length / 2; half >= 1; half /= 2) {
      float[] next = v.clone();
      for (int i = 0; i < length; i++) {
        next[i] = v[i] + v[i ^ half];
      }
      v = next;
    }
    return v[0];
  }

  static float[] mixed(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 1e4 : 1));
    }
    return a;
  }

  static void check(VectorSpecies<Float> species, float[] a) {
    int len = species.length();
    for (int off = 0; off + len <= a.length; off += len) {
      float got = FixedOrderLanes.sum(FloatVector.fromArray(species, a, off));
      assertThat(Float.floatToIntBits(got)).as("%s lanes at %d", species, off).isEqualTo(Float.floatToIntBits(tree(a, off, len)));
    }
  }

  static float sink;

  @Test
  void everyWidthSumsInTheTreeOrderInterpretedAndCompiled() {
    float[] a = mixed(1024, 7);
    VectorSpecies<Float>[] all = speciesList();
    for (VectorSpecies<Float> s : all) {
      check(s, a);
    }
    // hot enough for C2 at the preferred width (the only one with a cheap compiled form here)
    VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
    for (int rep = 0; rep < 100_000; rep++) {
      sink += FixedOrderLanes.sum(FloatVector.fromArray(preferred, a, (rep * preferred.length()) % (a.length - preferred.length())));
    }
    for (VectorSpecies<Float> s : all) {
      check(s, a);
    }
  }

  @SuppressWarnings("unchecked")
  static VectorSpecies<Float>[] speciesList() {
    return new VectorSpecies[] {FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512};
  }
}
