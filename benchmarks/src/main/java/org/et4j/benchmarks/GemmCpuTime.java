package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;

/**
 * A supplement to {@link GemmBenchmark} for a shared machine: SGEMM throughput per second of this
 * thread's CPU time, so that time slices given to other processes do not count. Compare it with
 * {@code benchmarks/calibration/fma_peak.c}, the FMA ceiling measured the same way at the same
 * time: their ratio is the kernel's efficiency, which stays meaningful when absolute numbers move
 * with the load. Not a JMH benchmark: use it to compare, and JMH for the record.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.GemmCpuTime 256 512 1024}
 */
public final class GemmCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private GemmCpuTime() {}

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {256, 512, 1024} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("sgemm: " + Sgemm.get().name());
    for (int n : sizes) {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment a = random(arena, n);
        MemorySegment b = random(arena, n);
        MemorySegment c = arena.allocate(4L * n * n, 64);
        Sgemm g = Sgemm.get();
        double flop = 2.0 * n * n * n;
        double[] gemm = new double[7];
        for (int rep = -3; rep < gemm.length; rep++) {
          long c0 = MX.getCurrentThreadCpuTime();
          long calls = 0;
          while (MX.getCurrentThreadCpuTime() - c0 < 500_000_000L) {
            g.multiply(new GemmShape(n, n, n, 1f, false, n, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0);
            calls++;
          }
          double gf = flop * calls / (MX.getCurrentThreadCpuTime() - c0);
          if (rep >= 0) {
            gemm[rep] = gf;
          }
        }
        // Heap allocated by this thread per call, over calls made after warm-up.
        com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) MX;
        long before = alloc.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
          g.multiply(new GemmShape(n, n, n, 1f, false, n, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0);
        }
        double bytesPerCall = (alloc.getCurrentThreadAllocatedBytes() - before) / 20.0;
        Arrays.sort(gemm);
        System.out.printf(
            "n=%d: median %.1f GFLOPS per CPU-second over 7 windows of 0.5 s (min %.1f, max %.1f),"
                + " %.0f B allocated per call%n",
            n, gemm[3], gemm[0], gemm[6], bytesPerCall);
      }
    }
  }

  private static MemorySegment random(Arena arena, int n) {
    MemorySegment s = arena.allocate(4L * n * n, 64);
    SplittableRandom r = new SplittableRandom(n);
    for (long i = 0; i < (long) n * n; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }
}
