package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.et4j.kernels.nhwc.Conv2dNhwc;

/**
 * The convolutions that dominate mobilenet_v2's XNNPACK profile, each timed alone per second of
 * this thread's CPU time (a shared machine's wall clock would mostly measure the other tenants):
 * nine 0.2 s windows after three warm-up windows, median GFLOPS printed with the range. Run
 * before and after a kernel change and compare the medians.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.MobilenetConvCpuTime}
 */
public final class MobilenetConvCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final float INF = Float.POSITIVE_INFINITY;

  private MobilenetConvCpuTime() {}

  public static void main(String[] args) {
    // {input H, input W, input channels, output channels, kernel, stride, padding, profile node}
    int[][] convs = {
      {224, 224, 3, 32, 3, 2, 1, 1}, {112, 112, 16, 96, 1, 1, 0, 4}, {112, 112, 32, 16, 1, 1, 0, 3},
      {56, 56, 24, 144, 1, 1, 0, 11}, {56, 56, 144, 24, 1, 1, 0, 9}, {7, 7, 320, 1280, 1, 1, 0, 62}
    };
    try (Arena arena = Arena.ofConfined()) {
      for (int[] s : convs) {
        int ih = s[0], iw = s[1], ch = s[2], oc = s[3], kk = s[4], st = s[5], pad = s[6];
        MemorySegment in = random(arena, (long) ih * iw * ch);
        MemorySegment filter = random(arena, (long) oc * kk * kk * ch);
        MemorySegment bias = random(arena, oc);
        Conv2dNhwc conv = Conv2dNhwc.prepare(1, ch, oc, kk, kk, st, st, 1, 1, pad, pad, pad, pad,
            filter, 0, bias, 0);
        int oh = conv.outputHeight(ih);
        int ow = conv.outputWidth(iw);
        MemorySegment out = arena.allocate(4L * oh * ow * oc, 64);
        double flop = 2.0 * oh * ow * oc * kk * kk * ch;
        Runnable run = () -> conv.run(1, ih, iw, in, 0, out, 0, 0f, 6f);
        double[] r = new double[9];
        for (int rep = -3; rep < r.length; rep++) {
          double x = rate(run, flop);
          if (rep >= 0) {
            r[rep] = x;
          }
        }
        Arrays.sort(r);
        System.out.printf("node %2d conv %dx%d s%d %dx%dx%d->%d: %6.1f GFLOPS/CPU-s (%.1f-%.1f),"
            + " %.3f ms%n", s[7], kk, kk, st, ih, iw, ch, oc, r[4], r[0], r[8], flop / r[4] / 1e6);
      }
    }
  }

  private static double rate(Runnable r, double flop) {
    long c0 = MX.getCurrentThreadCpuTime();
    long calls = 0;
    long elapsed;
    do {
      r.run();
      calls++;
      elapsed = MX.getCurrentThreadCpuTime() - c0;
    } while (elapsed < 200_000_000L);
    return flop * calls / elapsed;
  }

  private static MemorySegment random(Arena arena, long floats) {
    MemorySegment s = arena.allocate(4 * floats, 64);
    SplittableRandom rnd = new SplittableRandom(floats);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) rnd.nextDouble(-1, 1));
    }
    return s;
  }
}
