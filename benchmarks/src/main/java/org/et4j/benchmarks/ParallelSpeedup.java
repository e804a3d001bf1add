package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.nhwc.Conv2dNhwc;
import org.et4j.kernels.nhwc.DepthwiseConv2dNhwc;
import org.et4j.kernels.util.Parallel;

/**
 * Wall-clock speed-up of the compute pool ({@link Parallel}) on a shared machine: each workload
 * runs in alternating rounds at 1 thread and at each requested count, so that load from other
 * processes falls on all counts alike, and the median time per call of each is reported with
 * their ratio. Also reports the heap bytes the calling thread allocates per call once warm
 * (should be 0: a region reuses its task objects). Workloads: square SGEMM 512, and three layers
 * of MobileNetV2 at 224x224 input: the first 3x3 stride-2 convolution (IGEMM), a 1x1 expansion
 * (packed GEMM) and a 3x3 depthwise convolution.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.ParallelSpeedup [threads...]} (default: 2).
 */
public final class ParallelSpeedup {
  private static final Arena ARENA = Arena.ofShared();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ParallelSpeedup() {}

  /** One timed call. */
  private interface Workload {
    void run();
  }

  public static void main(String[] args) {
    int[] counts =
        args.length == 0 ? new int[] {2} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.println("sgemm: " + Sgemm.get().name() + ", pool default " + Parallel.threads()
        + " threads, " + Runtime.getRuntime().availableProcessors() + " processors");
    int n = 512;
    MemorySegment a = random(n * n);
    MemorySegment b = random(n * n);
    MemorySegment c = ARENA.allocate(4L * n * n, 64);
    Sgemm g = Sgemm.get();
    measure("sgemm 512x512x512", 2.0 * n * n * n, counts,
        () -> g.multiply(new GemmShape(n, n, n, 1f, false, n, false, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0));

    // MobileNetV2's first layer: 224x224x3 -> 112x112x32, 3x3, stride 2, pad 1, ReLU6.
    Conv2dNhwc first = Conv2dNhwc.prepare(
        1, 3, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, random(32 * 27), 0, random(32), 0);
    MemorySegment image = random(224 * 224 * 3);
    MemorySegment firstOut = ARENA.allocate(4L * 112 * 112 * 32, 64);
    measure("conv 3x3/2 224x224x3->32", 2.0 * 112 * 112 * 32 * 27, counts,
        () -> first.run(1, 224, 224, image, 0, firstOut, 0, 0f, 6f));

    // Block 3's expansion: 56x56x24 -> 56x56x144, 1x1.
    Conv2dNhwc expand = Conv2dNhwc.prepare(
        1, 24, 144, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, random(144 * 24), 0, random(144), 0);
    MemorySegment x = random(56 * 56 * 24);
    MemorySegment expanded = ARENA.allocate(4L * 56 * 56 * 144, 64);
    measure("conv 1x1 56x56x24->144", 2.0 * 56 * 56 * 144 * 24, counts,
        () -> expand.run(1, 56, 56, x, 0, expanded, 0, 0f, 6f));

    // Block 3's depthwise: 56x56x144, 3x3, stride 1, pad 1.
    DepthwiseConv2dNhwc dw = DepthwiseConv2dNhwc.prepare(
        144, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, random(9 * 144), 0, random(144), 0);
    MemorySegment dwOut = ARENA.allocate(4L * 56 * 56 * 144, 64);
    measure("depthwise 3x3 56x56x144", 2.0 * 56 * 56 * 144 * 9, counts,
        () -> dw.run(1, 56, 56, expanded, 0, dwOut, 0, 0f, 6f));
  }

  private static void measure(String name, double flop, int[] counts, Workload w) {
    int configs = counts.length + 1;
    int[] threads = new int[configs];
    threads[0] = 1;
    System.arraycopy(counts, 0, threads, 1, counts.length);
    // Warm up every configuration (C2 compiles the kernels and the pool's loops).
    for (int t : threads) {
      Parallel.withThreads(t, () -> timeCalls(w, 1_500_000_000L));
    }
    int rounds = 15;
    double[][] nsPerCall = new double[configs][rounds];
    double[] cpuPerWall = new double[configs];
    double[] workerPerWall = new double[configs];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < configs; i++) {
        int cfg = (r & 1) == 0 ? i : configs - 1 - i; // alternate the order too
        double[] out = new double[1];
        long worker0 = workerCpuTime();
        long cpu0 = OS.getProcessCpuTime();
        long wall0 = System.nanoTime();
        Parallel.withThreads(threads[cfg], () -> out[0] = timeCalls(w, 200_000_000L));
        long wall = System.nanoTime() - wall0;
        cpuPerWall[cfg] += (double) (OS.getProcessCpuTime() - cpu0) / wall;
        workerPerWall[cfg] += (double) (workerCpuTime() - worker0) / wall;
        nsPerCall[cfg][r] = out[0];
      }
    }
    var alloc = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    StringBuilder line = new StringBuilder(String.format("%-26s", name));
    double base = 0;
    for (int i = 0; i < configs; i++) {
      double[] s = nsPerCall[i].clone();
      Arrays.sort(s);
      double median = s[rounds / 2];
      if (i == 0) {
        base = median;
      }
      long[] bytes = new long[1];
      Parallel.withThreads(threads[i], () -> {
        long before = alloc.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 20; k++) {
          w.run();
        }
        bytes[0] = (alloc.getCurrentThreadAllocatedBytes() - before) / 20;
      });
      line.append(String.format(
          " | %d thr: %.3f ms (%.3f-%.3f) %.1f GFLOPS, %.2f CPUs busy (workers %.2f), %s%d B/call",
          threads[i], median / 1e6, s[0] / 1e6, s[rounds - 1] / 1e6, flop / median,
          cpuPerWall[i] / rounds, workerPerWall[i] / rounds,
          i == 0 ? "" : String.format("x%.2f ", base / median), bytes[0]));
    }
    System.out.println(line);
  }

  /** CPU time of the pool's worker threads so far, found by name. */
  private static long workerCpuTime() {
    var mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("et4j-compute-")) {
        total += Math.max(0, mx.getThreadCpuTime(t.threadId()));
      }
    }
    return total;
  }

  /** Calls {@code w} for at least {@code budgetNs} of wall-clock time; returns ns per call. */
  private static double timeCalls(Workload w, long budgetNs) {
    long t0 = System.nanoTime();
    long calls = 0;
    long now;
    do {
      w.run();
      calls++;
      now = System.nanoTime();
    } while (now - t0 < budgetNs);
    return (double) (now - t0) / calls;
  }

  private static MemorySegment random(int floats) {
    MemorySegment s = ARENA.allocate(4L * floats, 64);
    SplittableRandom r = new SplittableRandom(floats);
    for (int i = 0; i < floats; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }
}
