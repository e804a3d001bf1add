package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The NHWC kernels give the same bits with 1, 2, 3 and 4 threads (at a grain of one operation, so
 * that test-sized images split into as many chunks as the pool allows), over batches and output
 * heights that divide unevenly, for the chosen and the scalar implementations; and two caller
 * threads, each with its own convolution, get their own results while sharing the pool.
 */
class ParallelNhwcTest {
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final Arena ARENA = Arena.ofShared();

  @AfterAll
  static void close() {
    ARENA.close();
  }

  /** One kernel call into a given output segment at offset 0. */
  private interface Call {
    void run(MemorySegment out);
  }

  private static int[] bits(MemorySegment s, int floats) {
    int[] b = new int[floats];
    for (int i = 0; i < floats; i++) {
      b[i] = Float.floatToRawIntBits(s.getAtIndex(NhwcTesting.LE, i));
    }
    return b;
  }

  private static void sameBitsAtEveryThreadCount(String what, int outFloats, Call call) {
    int[] expected = null;
    for (int threads = 1; threads <= 4; threads++) {
      MemorySegment out = NhwcTesting.output(ARENA, outFloats, 0);
      Parallel.withThreads(threads, 1, () -> call.run(out));
      int[] got = bits(out, outFloats);
      if (expected == null) {
        expected = got;
      } else {
        assertThat(Arrays.equals(expected, got)).as("%s with %d threads", what, threads).isTrue();
      }
    }
  }

  private static MemorySegment random(SplittableRandom r, int floats) {
    return NhwcTesting.segment(ARENA, NhwcTesting.random(r, floats), 0);
  }

  @Test
  void convolution() {
    SplittableRandom r = new SplittableRandom(21);
    // {groups, cg, ocg, k, stride, pad}: 3x3 stride 2 (IGEMM), 1x1 (plain GEMM), grouped 3x3.
    int[][] shapes = {{1, 5, 19, 3, 2, 1}, {1, 9, 37, 1, 1, 0}, {2, 3, 7, 3, 1, 1}};
    for (Sgemm gemm : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      for (int[] s : shapes) {
        int groups = s[0];
        int cg = s[1];
        int ocg = s[2];
        int kk = s[3];
        int oc = groups * ocg;
        MemorySegment filter = random(r, oc * kk * kk * cg);
        MemorySegment bias = random(r, oc);
        Conv2dNhwc op = Conv2dNhwc.prepare(
            gemm, groups, cg, ocg, kk, kk, s[4], s[4], 1, 1, s[5], s[5], s[5], s[5], filter, 0,
            bias, 0);
        for (int batch : new int[] {1, 2}) {
          int ih = 11;
          int iw = 13;
          MemorySegment in = random(r, batch * ih * iw * groups * cg);
          int outFloats = batch * op.outputHeight(ih) * op.outputWidth(iw) * oc;
          sameBitsAtEveryThreadCount(
              gemm.name() + " conv " + Arrays.toString(s) + " batch " + batch, outFloats,
              out -> op.run(batch, ih, iw, in, 0, out, 0, -1f, 2f));
        }
      }
    }
  }

  @Test
  void depthwise() {
    SplittableRandom r = new SplittableRandom(22);
    for (NhwcKernels kernels : new NhwcKernels[] {NhwcKernels.chosen(), NhwcKernels.scalar()}) {
      for (int multiplier : new int[] {1, 2}) {
        for (int stride : new int[] {1, 2}) {
          int c = 17;
          int oc = c * multiplier;
          DepthwiseConv2dNhwc op = DepthwiseConv2dNhwc.prepare(
              kernels, c, multiplier, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1,
              random(r, 9 * oc), 0, random(r, oc), 0);
          for (int batch : new int[] {1, 3}) {
            int ih = 13;
            int iw = 10;
            MemorySegment in = random(r, batch * ih * iw * c);
            int outFloats = batch * op.outputHeight(ih) * op.outputWidth(iw) * oc;
            sameBitsAtEveryThreadCount(
                kernels.name() + " depthwise x" + multiplier + " stride " + stride + " batch "
                    + batch,
                outFloats, out -> op.run(batch, ih, iw, in, 0, out, 0, -INF, INF));
          }
        }
      }
    }
  }

  @Test
  void pooling() {
    SplittableRandom r = new SplittableRandom(23);
    for (NhwcKernels kernels : new NhwcKernels[] {NhwcKernels.chosen(), NhwcKernels.scalar()}) {
      for (boolean max : new boolean[] {true, false}) {
        Pooling2dNhwc op = Pooling2dNhwc.prepare(kernels, max, 19, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        for (int batch : new int[] {1, 2}) {
          int ih = 15;
          int iw = 9;
          MemorySegment in = random(r, batch * ih * iw * 19);
          int outFloats = batch * op.outputHeight(ih) * op.outputWidth(iw) * 19;
          sameBitsAtEveryThreadCount(
              kernels.name() + (max ? " max" : " average") + " pool batch " + batch, outFloats,
              out -> op.run(batch, ih, iw, in, 0, out, 0, -0.5f, INF));
        }
      }
    }
  }

  @Test
  void twoCallerThreadsEachWithItsOwnConvolution() throws Exception {
    SplittableRandom r = new SplittableRandom(24);
    int ih = 12;
    int iw = 9;
    MemorySegment filter = random(r, 13 * 9 * 6);
    MemorySegment bias = random(r, 13);
    MemorySegment[] inputs = {random(r, ih * iw * 6), random(r, ih * iw * 6)};
    // Each caller gets its own instance: a convolution caches its indirection table.
    Conv2dNhwc[] ops = new Conv2dNhwc[2];
    int[][] expected = new int[2][];
    int outFloats = 0;
    for (int t = 0; t < 2; t++) {
      ops[t] = Conv2dNhwc.prepare(1, 6, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, filter, 0, bias, 0);
      outFloats = ops[t].outputHeight(ih) * ops[t].outputWidth(iw) * 13;
      MemorySegment out = NhwcTesting.output(ARENA, outFloats, 0);
      Conv2dNhwc op = ops[t];
      MemorySegment in = inputs[t];
      Parallel.withThreads(1, 1, () -> op.run(1, ih, iw, in, 0, out, 0, -INF, INF));
      expected[t] = bits(out, outFloats);
    }
    int floats = outFloats;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Parallel.withThreads(3, 1, () -> {
      CountDownLatch start = new CountDownLatch(1);
      Thread[] callers = new Thread[2];
      for (int t = 0; t < 2; t++) {
        int id = t;
        callers[t] = new Thread(() -> {
          try {
            MemorySegment out = NhwcTesting.output(ARENA, floats, 0);
            start.await();
            for (int round = 0; round < 200; round++) {
              out.fill((byte) 0);
              ops[id].run(1, ih, iw, inputs[id], 0, out, 0, -INF, INF);
              if (!Arrays.equals(expected[id], bits(out, floats))) {
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
