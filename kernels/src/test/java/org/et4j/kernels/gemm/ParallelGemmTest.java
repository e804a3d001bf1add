package org.et4j.kernels.gemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.et4j.kernels.util.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@link Sgemm} entry point gives the same bits with 1, 2, 3 and 4 threads, at a grain of
 * one multiply-add so that test-sized shapes split as finely as the pool allows. Row counts cover
 * the GEMV path (1-3 rows), the column split (too few row tiles to go round) and the row split,
 * with sizes that divide unevenly among threads and tiles. Each implementation is checked: the
 * chosen one, the vector one (at this run's width) and the scalar one.
 */
class ParallelGemmTest {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int[] MS = {1, 2, 3, 5, 9, 13, 37, 70};
  private static final Arena ARENA = Arena.ofShared();

  @AfterAll
  static void close() {
    ARENA.close();
  }

  private static Sgemm[] implementations() {
    return new Sgemm[] {Sgemm.get(), new VectorSgemm(), Sgemm.scalar()};
  }

  private static MemorySegment random(SplittableRandom r, int floats) {
    MemorySegment s = ARENA.allocate(4L * floats + 4, 4).asSlice(4);
    for (int i = 0; i < floats; i++) {
      s.setAtIndex(F, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }

  private static int[] bits(MemorySegment s, int floats) {
    int[] b = new int[floats];
    for (int i = 0; i < floats; i++) {
      b[i] = Float.floatToRawIntBits(s.getAtIndex(F, i));
    }
    return b;
  }

  /** Runs {@code call} into a fresh NaN-filled output with 1-4 threads; all must agree. */
  private static void sameBitsAtEveryThreadCount(
      String what, int outFloats, java.util.function.Consumer<MemorySegment> call) {
    int[] expected = null;
    for (int threads = 1; threads <= 4; threads++) {
      MemorySegment out = ARENA.allocate(4L * outFloats, 4);
      out.fill((byte) 0x7f);
      Parallel.withThreads(threads, 1, () -> call.accept(out));
      int[] got = bits(out, outFloats);
      if (expected == null) {
        expected = got;
      } else {
        assertThat(Arrays.equals(expected, got)).as("%s with %d threads", what, threads).isTrue();
      }
    }
  }

  @Test
  void multiplyEveryLayoutAndAddend() {
    SplittableRandom r = new SplittableRandom(11);
    for (Sgemm g : implementations()) {
      for (int m : MS) {
        for (int n : new int[] {1, 45, 77}) {
          int k = m % 2 == 0 ? 19 : 70;
          for (int layout = 0; layout < 4; layout++) {
            boolean transA = (layout & 1) != 0;
            boolean transB = (layout & 2) != 0;
            MemorySegment a = random(r, m * k);
            MemorySegment b = random(r, k * n);
            MemorySegment bias = random(r, n);
            long lda = transA ? m : k;
            long ldb = transB ? k : n;
            String what = g.name() + " m=" + m + " n=" + n + " k=" + k + " layout=" + layout;
            sameBitsAtEveryThreadCount(what, m * n, c -> g.multiply(new GemmShape(m, n, k, 1.5f, transA, lda, transB, ldb, 0.5f, 0, 1, n), a, 0, b, 0, bias, 0, c, 0));
            sameBitsAtEveryThreadCount(what + " beta=0", m * n, c -> g.multiply(new GemmShape(m, n, k, 1f, transA, lda, transB, ldb, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0));
          }
        }
      }
    }
  }

  @Test
  void multiplyAcrossKcAndNcBlocks() {
    // Deeper than KC and wider than NC in the vector-128 run (16 and 64), and two KC slices at
    // the default KC: later blocks add to C, which other threads wrote in the previous region.
    SplittableRandom r = new SplittableRandom(12);
    for (Sgemm g : implementations()) {
      for (int m : new int[] {6, 41}) {
        int n = 150;
        int k = 1030;
        MemorySegment a = random(r, m * k);
        MemorySegment b = random(r, k * n);
        sameBitsAtEveryThreadCount(g.name() + " m=" + m, m * n, c -> g.multiply(new GemmShape(m, n, k, 1f, false, k, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0));
      }
    }
  }

  @Test
  void multiplyPackedAndIndirect() {
    SplittableRandom r = new SplittableRandom(13);
    for (Sgemm g : implementations()) {
      for (int m : MS) {
        for (int n : new int[] {3, 45, 150}) {
          int taps = 3;
          int channels = 7;
          int k = taps * channels;
          MemorySegment w = random(r, n * k);
          MemorySegment bias = random(r, n);
          PackedMatrix packed = g.packB(k, n, w, 0, k, true, bias, 0);
          MemorySegment a = random(r, m * k);
          String what = g.name() + " m=" + m + " n=" + n;
          sameBitsAtEveryThreadCount(what + " packed", m * n, c -> g.multiplyPacked(
              m, a, 0, k, packed, c, 0, n, -0.75f, Float.POSITIVE_INFINITY));
          // An indirection table over an input of 2m rows, with padding taps (-1).
          int[] table = new int[m * taps];
          for (int e = 0; e < table.length; e++) {
            table[e] = e % 5 == 4 ? -1 : r.nextInt(2 * m) * channels;
          }
          MemorySegment input = random(r, 2 * m * channels);
          sameBitsAtEveryThreadCount(what + " indirect", m * n, c -> g.multiplyIndirect(
              m, taps, channels, table, 0, input, 0, packed, c, 0, n, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY));
        }
      }
    }
  }

  @Test
  void deepPackedRowsTakeKInSlices() {
    // k = 1100 is two KC slices for the 8-row tiles, whose partial sums are parked in C.
    SplittableRandom r = new SplittableRandom(14);
    for (Sgemm g : implementations()) {
      int m = 29;
      int n = 70;
      int k = 1100;
      PackedMatrix packed = g.packB(k, n, random(r, n * k), 0, k, true, null, 0);
      MemorySegment a = random(r, m * k);
      sameBitsAtEveryThreadCount(g.name() + " deep", m * n, c -> g.multiplyPacked(
          m, a, 0, k, packed, c, 0, n, -1f, 1f));
    }
  }

  @Test
  void confinedSegmentsStayOnTheCaller() {
    // Workers may not touch a confined arena's memory: the call must still work, serially.
    SplittableRandom r = new SplittableRandom(16);
    for (Sgemm g : implementations()) {
      try (Arena confined = Arena.ofConfined()) {
        int m = 41;
        int n = 45;
        int k = 19;
        MemorySegment a = confined.allocate(4L * m * k, 4);
        MemorySegment b = confined.allocate(4L * k * n, 4);
        MemorySegment.copy(random(r, m * k), 0, a, 0, a.byteSize());
        MemorySegment.copy(random(r, k * n), 0, b, 0, b.byteSize());
        MemorySegment c = confined.allocate(4L * m * n, 4);
        MemorySegment shared = ARENA.allocate(4L * m * n, 4);
        Parallel.withThreads(4, 1, () -> g.multiply(new GemmShape(m, n, k, 1f, false, k, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0));
        Parallel.withThreads(1, 1, () -> g.multiply(new GemmShape(m, n, k, 1f, false, k, false, n, 0f, n, 1, n), a, 0, b, 0, shared, 0, shared, 0));
        assertThat(bits(c, m * n)).isEqualTo(bits(shared, m * n));
        PackedMatrix packed = g.packB(k, n, b, 0, n, false, null, 0);
        Parallel.withThreads(4, 1, () -> g.multiplyPacked(m, a, 0, k, packed, c, 0, n, -1f, 1f));
        Parallel.withThreads(1, 1, () -> g.multiplyPacked(
            m, a, 0, k, packed, shared, 0, n, -1f, 1f));
        assertThat(bits(c, m * n)).isEqualTo(bits(shared, m * n));
      }
    }
  }

  @Test
  void twoCallerThreadsAtOnceGetTheirOwnResults() throws Exception {
    // One caller holds the pool while the other runs serially; both must be right every time.
    SplittableRandom r = new SplittableRandom(15);
    Sgemm g = Sgemm.get();
    int m = 37;
    int n = 45;
    int k = 33;
    MemorySegment[] as = {random(r, m * k), random(r, m * k)};
    PackedMatrix packed = g.packB(k, n, random(r, n * k), 0, k, true, random(r, n), 0);
    int[][] expected = new int[2][];
    for (int t = 0; t < 2; t++) {
      MemorySegment c = ARENA.allocate(4L * m * n, 4);
      MemorySegment a = as[t];
      Parallel.withThreads(1, 1, () -> g.multiplyPacked(m, a, 0, k, packed, c, 0, n, -1f, 1f));
      expected[t] = bits(c, m * n);
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Parallel.withThreads(3, 1, () -> {
      CountDownLatch start = new CountDownLatch(1);
      Thread[] callers = new Thread[2];
      for (int t = 0; t < 2; t++) {
        int id = t;
        callers[t] = new Thread(() -> {
          try {
            MemorySegment c = ARENA.allocate(4L * m * n, 4);
            start.await();
            for (int round = 0; round < 300; round++) {
              c.fill((byte) 0);
              g.multiplyPacked(m, as[id], 0, k, packed, c, 0, n, -1f, 1f);
              if (!Arrays.equals(expected[id], bits(c, m * n))) {
                throw new AssertionError("caller " + id + " round " + round + " differs");
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
        callers[t].start();
      }
      start.countDown();
      for (Thread t : callers) {
        try {
          t.join();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    });
    assertThat(failure.get()).isNull();
  }
}
