package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.nhwc.Conv2dNhwc;

/**
 * {@link PackedGemmBenchmark} and {@link Conv2dNhwcBenchmark}'s comparisons measured per second of
 * this thread's CPU time, as {@link GemmCpuTime} does, for a shared machine: each pair (new path,
 * existing path) is timed in alternating 0.3 s windows, so both see the same load. Prints the
 * median GFLOPS per CPU-second of each and the heap bytes allocated per call after warm-up.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.PackedCpuTime}
 */
public final class PackedCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final float INF = Float.POSITIVE_INFINITY;

  private PackedCpuTime() {}

  public static void main(String[] args) {
    System.out.println("sgemm: " + Sgemm.get().name());
    try (Arena arena = Arena.ofConfined()) {
      Sgemm g = Sgemm.get();
      for (int size : new int[] {512, 1024}) {
        for (int m : new int[] {1, 8, 32, 256}) {
          MemorySegment a = random(arena, (long) m * size);
          MemorySegment w = random(arena, (long) size * size);
          MemorySegment bias = random(arena, size);
          MemorySegment c = arena.allocate(4L * m * size, 64);
          PackedMatrix packed = g.packB(size, size, w, 0, size, true, bias, 0);
          compare("linear m=" + m + " n=k=" + size, 2.0 * m * size * size,
              () -> g.multiplyPacked(m, a, 0, size, packed, c, 0, size, -INF, INF),
              () -> g.multiply(new GemmShape(m, size, size, 1f, false, size, true, size, 1f, 0, 1, size), a, 0, w, 0, bias, 0, c, 0));
        }
      }
      int[][] convs = {
        {56, 56, 64, 64, 3, 1, 1}, {56, 56, 64, 64, 3, 2, 1}, {56, 56, 96, 24, 1, 1, 0}
      };
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
        int k = kk * kk * ch;
        MemorySegment col = arena.allocate(4L * oh * ow * k, 64);
        boolean direct = kk == 1 && st == 1 && pad == 0;
        compare("conv " + kk + "x" + kk + " s" + st + " " + ih + "x" + iw + "x" + ch + "->" + oc,
            2.0 * oh * ow * oc * k,
            () -> conv.run(1, ih, iw, in, 0, out, 0, -INF, INF),
            () -> {
              if (!direct) {
                im2col(in, col, ih, iw, ch, kk, st, pad, oh, ow);
              }
              g.multiply(new GemmShape(oh * ow, oc, k, 1f, false, direct ? ch : k, true, k, 1f, 0, 1, oc), direct ? in : col, 0, filter, 0, bias, 0, out, 0);
            });
      }
    }
  }

  private static void compare(String what, double flop, Runnable fresh, Runnable old) {
    double[] a = new double[9];
    double[] b = new double[9];
    for (int rep = -3; rep < a.length; rep++) {
      double x = rate(fresh, flop);
      double y = rate(old, flop);
      if (rep >= 0) {
        a[rep] = x;
        b[rep] = y;
      }
    }
    com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) MX;
    long before = alloc.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 10; i++) {
      fresh.run();
    }
    double bytes = (alloc.getCurrentThreadAllocatedBytes() - before) / 10.0;
    Arrays.sort(a);
    Arrays.sort(b);
    System.out.printf("%-36s new %6.1f GFLOPS/CPU-s (%.1f-%.1f), existing %6.1f (%.1f-%.1f),"
        + " ratio %.2f, %.0f B/call%n",
        what, a[4], a[0], a[8], b[4], b[0], b[8], a[4] / b[4], bytes);
  }

  private static double rate(Runnable r, double flop) {
    long c0 = MX.getCurrentThreadCpuTime();
    long calls = 0;
    long elapsed;
    do {
      r.run();
      calls++;
      elapsed = MX.getCurrentThreadCpuTime() - c0;
    } while (elapsed < 300_000_000L);
    return flop * calls / elapsed;
  }

  private static void im2col(MemorySegment in, MemorySegment col, int ih, int iw, int c, int kk,
      int stride, int pad, int oh, int ow) {
    long k = (long) c * kk * kk;
    long row = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++, row++) {
        for (int ky = 0; ky < kk; ky++) {
          int iy = oy * stride - pad + ky;
          for (int kx = 0; kx < kk; kx++) {
            int ix = ox * stride - pad + kx;
            long at = row * k + ((long) ky * kk + kx) * c;
            if (iy >= 0 && iy < ih && ix >= 0 && ix < iw) {
              MemorySegment.copy(in, ((long) iy * iw + ix) * c * 4, col, at * 4, c * 4L);
            } else {
              for (int ci = 0; ci < c; ci++) {
                col.setAtIndex(ValueLayout.JAVA_FLOAT, at + ci, 0f);
              }
            }
          }
        }
      }
    }
  }

  private static MemorySegment random(Arena arena, long floats) {
    MemorySegment s = arena.allocate(4 * floats, 64);
    SplittableRandom r = new SplittableRandom(floats);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }
}
