package org.et4j.kernels.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Sgemm#packB} with {@link Sgemm#multiplyPacked} and {@link Sgemm#multiplyIndirect}: the
 * chosen implementation (vector at this run's width, or scalar) and the scalar one against a naive
 * double-precision triple loop, over row counts that hit the 1-, 3- and 8-row kernels and column
 * and depth counts that hit every panel tail at 128, 256 and 512 bits.
 */
class PackedGemmTest {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int[] MS = {1, 2, 3, 4, 7, 8, 9, 17};
  private static final int[] SIZES = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 65};
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final Arena ARENA = Arena.ofShared();

  private final SplittableRandom random = new SplittableRandom(7);

  @AfterAll
  static void close() {
    ARENA.close();
  }

  private static Sgemm[] implementations() {
    return new Sgemm[] {Sgemm.get(), Sgemm.scalar()};
  }

  @Test
  void everyRowCountWithEveryColumnTail() {
    for (int m : MS) {
      for (int n : SIZES) {
        check(m, n, 9, n % 2 == 0, m % 2 == 0, -INF, INF, 0, 0);
      }
    }
  }

  @Test
  void everyDepthTail() {
    for (int m : MS) {
      for (int k : SIZES) {
        check(m, 33, k, true, true, -INF, INF, 0, 0);
        check(m, 17, k, false, false, -INF, INF, 0, 0);
      }
    }
  }

  @Test
  void bothLayoutsWithAndWithoutBiasAndClamps() {
    float[][] clamps = {{-INF, INF}, {0, INF}, {-1, 1}, {-0.25f, 0.5f}};
    for (int layout = 0; layout < 4; layout++) {
      boolean nByK = (layout & 1) != 0;
      boolean bias = (layout & 2) != 0;
      for (float[] clamp : clamps) {
        for (int m : new int[] {1, 3, 8, 17}) {
          check(m, 31, 16, nByK, bias, clamp[0], clamp[1], 0, 0);
          check(m, 65, 7, nByK, bias, clamp[0], clamp[1], 0, 0);
        }
      }
    }
  }

  @Test
  void paddedLeadingDimensionsOffsetsAndManyRowBlocks() {
    check(9, 33, 17, true, true, -1, 1, 3, 5);
    check(2, 16, 65, false, true, 0, INF, 1, 1);
    // More rows than one block (MC, or 24 in the vector-128 run), ending in each kind of tail.
    for (int m : new int[] {67, 69, 72, 73}) {
      check(m, 40, 20, true, true, -INF, INF, 2, 1);
    }
    // Deeper than 1.5 KC at the default KC of 512: the 8-row tiles take k in two slices.
    check(12, 33, 1100, true, true, -1, 1, 0, 0);
  }

  @Test
  void shallowDepthsStoreTheirOwnTilesAcrossRowBlocks() {
    // k <= 64 takes the kernels that clamp and store in place: m past the 256-row block with
    // 8- and 16-row tails, panels of one vector or less (16 and 24 columns at 512-bit, 4 at
    // 128-bit), two-vector panels, partial second vectors, and k = 64 and 65 on both sides.
    for (int m : new int[] {4, 15, 16, 23, 257, 300}) {
      for (int n : new int[] {3, 16, 24, 32, 40, 96}) {
        check(m, n, m % 3 == 0 ? 24 : 16, n % 2 == 0, true, 0, 6, m % 2, 0);
      }
    }
    for (int k : new int[] {1, 27, 64, 65}) {
      check(37, 40, k, true, false, -1, 1, 1, 3);
    }
  }

  @Test
  void zeroDepthGivesTheClampedBias() {
    for (Sgemm g : implementations()) {
      MemorySegment bias = segment(new float[] {-2, 0.5f, 3});
      PackedMatrix b = g.packB(0, 3, bias, 0, 0, true, bias, 0);
      MemorySegment c = ARENA.allocate(4 * 3 * 2);
      g.multiplyPacked(2, bias, 0, 0, b, c, 0, 3, -1, 1);
      assertThat(c.toArray(F)).as(g.name()).containsExactly(-1, 0.5f, 1, -1, 0.5f, 1);
    }
  }

  @Test
  void nanStaysNaNThroughTheClamp() {
    for (Sgemm g : implementations()) {
      int k = 4;
      int n = 40;
      MemorySegment w = random(k * n);
      PackedMatrix b = g.packB(k, n, w, 0, n, false, null, 0);
      MemorySegment a = random(9 * k);
      a.setAtIndex(F, 2, Float.NaN); // row 0
      MemorySegment c = ARENA.allocate(4L * 9 * n);
      g.multiplyPacked(9, a, 0, k, b, c, 0, n, 0, 1);
      for (int j = 0; j < n; j++) {
        assertThat(c.getAtIndex(F, j)).as("%s C(0,%d)", g.name(), j).isNaN();
        assertThat(c.getAtIndex(F, n + j)).as("%s C(1,%d)", g.name(), j).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void indirectGemmMatchesTheGatheredMatrix() {
    // Rows made of taps through a table, some taps padding: compared with multiplyPacked on the
    // explicitly gathered (im2col) matrix, which the other tests check against the triple loop.
    int channels = 5;
    int taps = 3;
    int k = channels * taps;
    int n = 35;
    MemorySegment input = random(10 * channels);
    for (Sgemm g : implementations()) {
      for (int m : new int[] {1, 2, 3, 5, 8, 11, 19}) {
        int[] table = new int[1 + m * taps];
        table[0] = 123_456; // before the offset: never read
        MemorySegment gathered = ARENA.allocate(4L * m * k);
        for (int i = 0; i < m; i++) {
          for (int t = 0; t < taps; t++) {
            int row = (i * 7 + t * 3) % 11; // 10 means padding
            table[1 + i * taps + t] = row == 10 ? -1 : row * channels;
            for (int q = 0; q < channels; q++) {
              float v = row == 10 ? 0 : input.getAtIndex(F, row * channels + q);
              gathered.setAtIndex(F, (long) i * k + t * channels + q, v);
            }
          }
        }
        MemorySegment w = random(n * k);
        MemorySegment bias = random(n);
        PackedMatrix b = g.packB(k, n, w, 0, k, true, bias, 0);
        MemorySegment viaTable = ARENA.allocate(4L * m * n);
        MemorySegment viaMatrix = ARENA.allocate(4L * m * n);
        g.multiplyIndirect(m, taps, channels, table, 1, input, 0, b, viaTable, 0, n, -1, 2);
        g.multiplyPacked(m, gathered, 0, k, b, viaMatrix, 0, n, -1, 2);
        assertThat(viaTable.toArray(F)).as("%s m=%d", g.name(), m).containsExactly(
            viaMatrix.toArray(F));
      }
    }
  }

  @Test
  void rejectsForeignPackingsAndBadArguments() {
    Sgemm other = Sgemm.get() == Sgemm.scalar() ? null : Sgemm.scalar();
    MemorySegment w = random(64);
    MemorySegment c = ARENA.allocate(4 * 64);
    if (other != null) {
      PackedMatrix b = other.packB(4, 4, w, 0, 4, false, null, 0);
      assertThatThrownBy(() -> Sgemm.get().multiplyPacked(1, w, 0, 4, b, c, 0, 4, -INF, INF))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("pack it with that implementation");
    }
    for (Sgemm g : implementations()) {
      assertThatThrownBy(() -> g.packB(8, 9, w, 0, 8, true, null, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("weights");
      PackedMatrix b = g.packB(4, 4, w, 0, 4, false, null, 0);
      assertThatThrownBy(() -> g.multiplyPacked(17, w, 0, 4, b, c, 0, 4, -INF, INF))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("A:");
      assertThatThrownBy(() -> g.multiplyPacked(1, w, 0, 4, b, c, 0, 4, 1, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("min <= max");
      assertThatThrownBy(
              () -> g.multiplyIndirect(1, 2, 2, new int[] {0, 63}, 0, w, 0, b, c, 0, 4, 0, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("past the input");
    }
  }

  /**
   * Packs a random {@code k x n} B (in the {@code [n, k]} layout when {@code nByK}) with or without
   * a random bias, multiplies a random {@code m x k} A with both implementations, and compares with
   * the double-precision triple loop, clamped. Leading dimensions are padded by {@code pad}, each
   * operand starts {@code shift} floats into its segment, and C's padding must stay untouched.
   */
  private void check(
      int m, int n, int k, boolean nByK, boolean withBias, float min, float max, int pad,
      int shift) {
    long lda = k + pad;
    long ldw = (nByK ? k : n) + pad;
    long ldc = n + pad;
    MemorySegment a = random(shift + m * lda);
    MemorySegment w = random(shift + (nByK ? n : k) * ldw);
    MemorySegment bias = withBias ? random(shift + n) : null;
    MemorySegment c0 = random(shift + m * ldc);
    double[] expected = new double[m * n];
    double[] magnitude = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = withBias ? bias.getAtIndex(F, shift + j) : 0;
        double abs = Math.abs(s);
        for (int p = 0; p < k; p++) {
          double av = a.getAtIndex(F, shift + i * lda + p);
          double bv = w.getAtIndex(F, shift + (nByK ? j * ldw + p : p * ldw + j));
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        expected[i * n + j] = Math.max(Math.min(s, max), min);
        magnitude[i * n + j] = abs;
      }
    }
    for (Sgemm g : implementations()) {
      PackedMatrix b = g.packB(k, n, w, shift, ldw, nByK, bias, shift);
      assertThat(b.k()).isEqualTo(k);
      assertThat(b.n()).isEqualTo(n);
      MemorySegment c = ARENA.allocate(c0.byteSize());
      c.copyFrom(c0);
      g.multiplyPacked(m, a, shift, lda, b, c, shift, ldc, min, max);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float got = c.getAtIndex(F, shift + i * ldc + j);
          // Each of the k + 1 float additions rounds by at most 2^-24 of the running sum, which
          // never exceeds the sum of magnitudes; clamping only shrinks the difference.
          double tolerance = (k + 1) * 0x1p-23 * magnitude[i * n + j] + 1e-30;
          assertThat((double) got)
              .as("%s m=%d n=%d k=%d nByK=%b bias=%b clamp=[%s,%s]: C(%d,%d)",
                  g.name(), m, n, k, nByK, withBias, min, max, i, j)
              .isCloseTo(expected[i * n + j], org.assertj.core.data.Offset.offset(tolerance));
        }
        for (int j = n; j < ldc && i < m - 1; j++) {
          assertThat(c.getAtIndex(F, shift + i * ldc + j))
              .as("%s padding C(%d,%d)", g.name(), i, j)
              .isEqualTo(c0.getAtIndex(F, shift + i * ldc + j));
        }
      }
    }
  }

  private MemorySegment random(long floats) {
    MemorySegment s = ARENA.allocate(Math.max(1, floats) * 4, 4);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(F, i, (float) (random.nextDouble() * 2 - 1));
    }
    return s;
  }

  private static MemorySegment segment(float[] values) {
    MemorySegment s = ARENA.allocate(4L * values.length, 4);
    s.copyFrom(MemorySegment.ofArray(values));
    return s;
  }
}
