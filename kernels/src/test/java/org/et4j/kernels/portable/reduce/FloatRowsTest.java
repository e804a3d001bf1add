package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector row kernels against their scalar twin, over lengths that hit every loop tail. */
class FloatRowsTest {
  private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129};
  private static final FloatRows SCALAR = ScalarFloatRows.INSTANCE;
  private static final FloatRows VECTOR = new VectorFloatRows();

  private static MemorySegment random(Arena arena, int n, long seed) {
    // one element of offset so vector loads are unaligned, as tensor data may be
    MemorySegment s = arena.allocate(4L * (n + 1), 4).asSlice(4);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      s.setAtIndex(F32, i, (float) (r.nextDouble() * 8 - 4));
    }
    return s;
  }

  @Test
  void sumMaxMinMatchTheScalarTwin() {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        MemorySegment s = random(arena, n, n);
        assertThat(VECTOR.sum(s, 0, n)).as("sum n=%d", n).isCloseTo(SCALAR.sum(s, 0, n), within(1e-5f * n * 4));
        assertThat(VECTOR.max(s, 0, n)).as("max n=%d", n).isEqualTo(SCALAR.max(s, 0, n));
        assertThat(VECTOR.min(s, 0, n)).as("min n=%d", n).isEqualTo(SCALAR.min(s, 0, n));
      }
    }
  }

  @Test
  void nanWinsMaxAndMinAtEveryPosition() {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        for (int pos : new int[] {0, n / 2, n - 1}) {
          MemorySegment s = random(arena, n, 7);
          s.setAtIndex(F32, pos, Float.NaN);
          assertThat(VECTOR.max(s, 0, n)).isNaN();
          assertThat(SCALAR.max(s, 0, n)).isNaN();
          assertThat(VECTOR.min(s, 0, n)).isNaN();
          assertThat(SCALAR.min(s, 0, n)).isNaN();
        }
      }
    }
  }

  @Test
  void argExtremeMatchesTheScalarTwinWithTiesAndNaN() {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        MemorySegment s = arena.allocate(4L * n, 4);
        for (int j = 0; j < n; j++) {
          s.setAtIndex(F32, j, (float) ((j * 7) % 5));
        }
        for (boolean max : new boolean[] {true, false}) {
          assertThat(VECTOR.argExtreme(s, 0, n, max)).as("n=%d max=%s", n, max).isEqualTo(SCALAR.argExtreme(s, 0, n, max));
        }
        s.setAtIndex(F32, n - 1, Float.NaN);
        assertThat(VECTOR.argExtreme(s, 0, n, true)).isEqualTo(n - 1);
        assertThat(SCALAR.argExtreme(s, 0, n, false)).isEqualTo(n - 1);
        assertThat(VECTOR.argExtreme(s, 0, n, false)).isEqualTo(n - 1);
      }
    }
  }

  @Test
  void softmaxAndLogSoftmaxMatchTheScalarTwin() {
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        MemorySegment in = random(arena, n, 31 * n);
        MemorySegment a = arena.allocate(4L * n, 4);
        MemorySegment b = arena.allocate(4L * n, 4);
        SCALAR.softmax(in, 0, a, 0, n);
        VECTOR.softmax(in, 0, b, 0, n);
        float total = 0;
        for (int j = 0; j < n; j++) {
          assertThat(b.getAtIndex(F32, j)).as("softmax n=%d j=%d", n, j).isCloseTo(a.getAtIndex(F32, j), within(2e-6f));
          total += b.getAtIndex(F32, j);
        }
        assertThat(total).isCloseTo(1f, within(1e-5f * n));
        SCALAR.logSoftmax(in, 0, a, 0, n);
        VECTOR.logSoftmax(in, 0, b, 0, n);
        for (int j = 0; j < n; j++) {
          assertThat(b.getAtIndex(F32, j)).as("log_softmax n=%d j=%d", n, j).isCloseTo(a.getAtIndex(F32, j), within(1e-5f));
        }
      }
    }
  }

  @Test
  void softmaxWorksInPlaceAndAtAnOffset() {
    try (Arena arena = Arena.ofConfined()) {
      int n = 33;
      MemorySegment in = random(arena, 2 * n, 5);
      MemorySegment expect = arena.allocate(4L * n, 4);
      SCALAR.softmax(in, n, expect, 0, n);
      VECTOR.softmax(in, n, in, n, n);
      for (int j = 0; j < n; j++) {
        assertThat(in.getAtIndex(F32, n + j)).isCloseTo(expect.getAtIndex(F32, j), within(2e-6f));
      }
    }
  }
}
