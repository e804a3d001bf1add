package org.et4j.kernels.gemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.et4j.kernels.util.VectorSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The chosen {@link Sgemm} (vector at the width of this test run, or scalar) and the scalar one
 * against a double-precision reference computed here, over sizes that hit every tail of the 8 x
 * 2-vector tile at 128, 256 and 512 bits. The surefire executions with {@code et4j.vector=128} and
 * {@code off} also shrink the block sizes so that small shapes cross KC/MC/NC block edges.
 */
class SgemmTest {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int[] SIZES = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65};
  private static final Arena ARENA = Arena.ofShared();

  private final SplittableRandom random = new SplittableRandom(42);

  @AfterAll
  static void close() {
    ARENA.close();
  }

  @Test
  void selectionFollowsTheVectorProperty() {
    if (VectorSupport.enabled()) {
      assertThat(Sgemm.get().name()).startsWith("vector");
      if (VectorSupport.forcedBits() != 0) {
        assertThat(Sgemm.get().name()).contains(VectorSupport.forcedBits() + "-bit");
      }
    } else {
      assertThat(Sgemm.get()).isSameAs(Sgemm.scalar());
    }
  }

  @Test
  void everyTileTailInMAndN() {
    for (int m : SIZES) {
      for (int n : SIZES) {
        for (int t = 0; t < 4; t++) {
          check(m, n, 3, (t & 1) != 0, (t & 2) != 0, 1f, 0f, Addend.C, 0, 0);
        }
      }
    }
  }

  @Test
  void everyTailInK() {
    int[] ks = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65, 255, 256, 257, 300};
    for (int k : ks) {
      for (int t = 0; t < 4; t++) {
        check(9, 33, k, (t & 1) != 0, (t & 2) != 0, 1f, 0f, Addend.C, 0, 0);
        check(1, 70, k, (t & 1) != 0, (t & 2) != 0, 1f, 0f, Addend.C, 0, 0);
        check(3, 67, k, (t & 1) != 0, (t & 2) != 0, 0.5f, 1.5f, Addend.C, 0, 0);
        check(17, 65, k, (t & 1) != 0, (t & 2) != 0, 1.5f, 0.5f, Addend.C, 0, 0);
      }
    }
  }

  @Test
  void largerThanOneBlockInEveryDimension() {
    for (int t = 0; t < 4; t++) {
      check(137, 70, 300, (t & 1) != 0, (t & 2) != 0, 0.75f, -1.25f, Addend.C, 0, 0);
    }
  }

  @Test
  void alphaBetaAndAddendShapes() {
    for (Addend addend : Addend.values()) {
      for (float[] ab : new float[][] {{1, 1}, {2, 0}, {-0.5f, 3}, {1, -1}}) {
        for (int[] s : new int[][] {{8, 32, 5}, {7, 33, 9}, {17, 16, 3}, {1, 64, 4}}) {
          check(s[0], s[1], s[2], false, true, ab[0], ab[1], addend, 0, 0);
          check(s[0], s[1], s[2], true, false, ab[0], ab[1], addend, 0, 0);
        }
      }
    }
  }

  @Test
  void paddedLeadingDimensionsAndUnalignedOffsets() {
    for (int pad : new int[] {1, 3, 16}) {
      for (int t = 0; t < 4; t++) {
        check(9, 31, 17, (t & 1) != 0, (t & 2) != 0, 1f, 0.5f, Addend.C, pad, 1);
        check(16, 33, 7, (t & 1) != 0, (t & 2) != 0, 1f, 0f, Addend.BIAS_ROW, pad, 3);
        check(1, 67, 37, (t & 1) != 0, (t & 2) != 0, 0.5f, 2f, Addend.BIAS_ROW, pad, 1);
        check(1, 67, 37, (t & 1) != 0, (t & 2) != 0, 0.5f, 2f, Addend.STRIDED, pad, 1);
      }
    }
  }

  @Test
  void betaZeroIgnoresNaNInC() {
    int m = 9;
    int n = 33;
    int k = 5;
    MemorySegment a = random(m * k);
    MemorySegment b = random(k * n);
    for (Sgemm g : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      MemorySegment c = ARENA.allocate((long) m * n * 4);
      c.fill((byte) 0xFF); // all NaN
      g.multiply(new GemmShape(m, n, k, 1f, false, k, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0);
      for (int i = 0; i < m * n; i++) {
        assertThat(c.getAtIndex(F, i)).as("%s element %d", g.name(), i).isNotNaN();
      }
    }
  }

  @Test
  void zeroAlphaOrZeroKOnlyScalesTheAddend() {
    MemorySegment a = ARENA.allocate(4);
    a.setAtIndex(F, 0, Float.NaN); // must not be read
    for (Sgemm g : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      MemorySegment c = random(6);
      float[] before = c.toArray(F);
      g.multiply(new GemmShape(2, 3, 1, 0f, false, 1, false, 3, 2f, 3, 1, 3), a, 0, a, 0, c, 0, c, 0);
      for (int i = 0; i < 6; i++) {
        assertThat(c.getAtIndex(F, i)).isEqualTo(2f * before[i]);
      }
      g.multiply(new GemmShape(2, 3, 0, 1f, false, 0, false, 3, 0f, 3, 1, 3), a, 0, a, 0, c, 0, c, 0);
      assertThat(c.toArray(F)).containsOnly(0f);
    }
  }

  @Test
  void emptyShapesWriteNothing() {
    MemorySegment c = ARENA.allocate(16);
    c.setAtIndex(F, 0, 7f);
    Sgemm.get().multiply(new GemmShape(0, 4, 3, 1f, false, 3, false, 4, 0f, 4, 1, 4), c, 0, c, 0, c, 0, c, 0);
    Sgemm.get().multiply(new GemmShape(4, 0, 3, 1f, false, 3, false, 4, 0f, 4, 1, 4), c, 0, c, 0, c, 0, c, 0);
    assertThat(c.getAtIndex(F, 0)).isEqualTo(7f);
  }

  /** Which addend D the call reads. */
  enum Addend {
    /** D = C (BLAS). */
    C,
    /** D = a bias row broadcast over rows: row stride 0, column stride 1. */
    BIAS_ROW,
    /** D = one value per row: row stride 1, column stride 0. */
    PER_ROW,
    /** D = a separate matrix with column stride 2. */
    STRIDED
  }

  /**
   * Runs both implementations on the same random operands, laid out with the leading dimensions
   * padded by {@code pad} and every operand starting {@code shift} floats into its segment, and
   * compares them with a double-precision reference.
   */
  private void check(
      int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, Addend addend, int pad,
      int shift) {
    long lda = (ta ? m : k) + pad;
    long ldb = (tb ? k : n) + pad;
    long ldc = n + pad;
    MemorySegment a = random(shift + (ta ? k : m) * lda);
    MemorySegment b = random(shift + (tb ? n : k) * ldb);
    MemorySegment c0 = random(shift + m * ldc);
    long dRs;
    long dCs;
    MemorySegment d;
    switch (addend) {
      case BIAS_ROW -> {
        d = random(shift + n);
        dRs = 0;
        dCs = 1;
      }
      case PER_ROW -> {
        d = random(shift + m);
        dRs = 1;
        dCs = 0;
      }
      case STRIDED -> {
        d = random(shift + (long) m * n * 2);
        dRs = 2L * n;
        dCs = 2;
      }
      default -> {
        d = null;
        dRs = ldc;
        dCs = 1;
      }
    }
    double[] expected = new double[m * n];
    double maxAbs = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          double av = a.getAtIndex(F, shift + (ta ? p * lda + i : i * lda + p));
          double bv = b.getAtIndex(F, shift + (tb ? j * ldb + p : p * ldb + j));
          s += av * bv;
        }
        MemorySegment dd = d == null ? c0 : d;
        double dv = dd.getAtIndex(F, shift + i * dRs + j * dCs);
        expected[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * dv);
        maxAbs = Math.max(maxAbs, Math.abs(expected[i * n + j]));
      }
    }
    // Float sums of k products of values in [-1, 1]: the rounding error grows with k.
    double tolerance = 1e-6 * (k + 4) * (Math.abs(alpha) + Math.abs(beta) + 1) + 1e-6 * maxAbs;
    for (Sgemm g : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      MemorySegment c = ARENA.allocate(c0.byteSize());
      c.copyFrom(c0);
      MemorySegment dd = d == null ? c : d;
      g.multiply(new GemmShape(m, n, k, alpha, ta, lda, tb, ldb, beta, dRs, dCs, ldc), a, shift, b, shift, dd, shift, c, shift);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float got = c.getAtIndex(F, shift + i * ldc + j);
          assertThat((double) got)
              .as(
                  "%s m=%d n=%d k=%d transA=%b transB=%b alpha=%s beta=%s %s pad=%d: C(%d,%d)",
                  g.name(), m, n, k, ta, tb, alpha, beta, addend, pad, i, j)
              .isCloseTo(expected[i * n + j], org.assertj.core.data.Offset.offset(tolerance));
        }
        // Padding between rows is never written.
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
}
