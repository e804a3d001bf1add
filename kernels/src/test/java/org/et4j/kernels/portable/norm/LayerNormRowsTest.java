package org.et4j.kernels.portable.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vector layer_norm row kernel against its scalar twin over lengths that hit every tail. */
class LayerNormRowsTest {
  private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 129};

  private static MemorySegment random(Arena arena, int n, long seed, double scale, double shift) {
    MemorySegment s = arena.allocate(4L * (n + 1), 4).asSlice(4);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < n; i++) {
      s.setAtIndex(F32, i, (float) (r.nextDouble() * scale + shift));
    }
    return s;
  }

  @Test
  void vectorMatchesScalar() {
    LayerNormRows scalar = ScalarLayerNormRows.INSTANCE;
    LayerNormRows vector = new VectorLayerNormRows();
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        for (boolean affine : new boolean[] {false, true}) {
          MemorySegment x = random(arena, n, n, 4, -2);
          MemorySegment w = affine ? random(arena, n, 3 * n, 1, 0.5) : null;
          MemorySegment b = affine ? random(arena, n, 5 * n, 1, -0.5) : null;
          MemorySegment ya = arena.allocate(4L * n, 4);
          MemorySegment yb = arena.allocate(4L * n, 4);
          float[] sa = new float[2];
          float[] sb = new float[2];
          scalar.row(x, 0, w, b, ya, 0, n, 1e-5f, sa);
          vector.row(x, 0, w, b, yb, 0, n, 1e-5f, sb);
          assertThat(sb[0]).isCloseTo(sa[0], within(1e-5f));
          assertThat(sb[1]).isCloseTo(sa[1], within(1e-4f * sa[1] + 1e-5f));
          for (int j = 0; j < n; j++) {
            assertThat(yb.getAtIndex(F32, j)).as("n=%d j=%d", n, j).isCloseTo(ya.getAtIndex(F32, j), within(1e-3f));
          }
        }
      }
    }
  }
}
