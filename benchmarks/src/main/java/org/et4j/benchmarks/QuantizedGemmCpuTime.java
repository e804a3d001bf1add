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
import org.et4j.kernels.qgemm.QuantizedGemm;
import org.et4j.kernels.qgemm.QuantizedRows;
import org.et4j.kernels.qgemm.QuantizedWeights;

/**
 * A supplement to {@link QuantizedGemmBenchmark} for a shared machine, like {@link GemmCpuTime}:
 * GOPS ({@code 2 m n k} per call) per second of this thread's CPU time, and heap bytes allocated
 * per call, for the quantized linear layer (quantize + multiply) and the float SGEMM on the same
 * shape. Use it to compare; JMH for the record.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.et4j.benchmarks.QuantizedGemmCpuTime [size] [m...]}
 */
public final class QuantizedGemmCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private QuantizedGemmCpuTime() {}

  public static void main(String[] args) {
    int size = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int[] ms =
        args.length > 1
            ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
            : new int[] {1, 8, 64};
    System.out.println("qgemm: " + QuantizedGemm.get().name() + ", sgemm: " + Sgemm.get().name());
    int n = size;
    int k = size;
    try (Arena arena = Arena.ofConfined()) {
      SplittableRandom r = new SplittableRandom(1);
      MemorySegment w8 = arena.allocate((long) n * k, 64);
      for (long i = 0; i < (long) n * k; i++) {
        w8.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
      }
      MemorySegment wf = arena.allocate(4L * n * k, 64);
      for (long i = 0; i < (long) n * k; i++) {
        wf.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
      }
      float[] scales = new float[n];
      Arrays.fill(scales, 0.01f);
      short[] bf16 = new short[n * k / 32];
      Arrays.fill(bf16, (short) (Float.floatToRawIntBits(0.01f) >>> 16));
      QuantizedWeights[] packed = {
        QuantizedWeights.packQc8w(n, k, w8, 0, true, scales, null, 0),
        QuantizedWeights.packQc4w(n, k, w8, 0, true, scales, null, 0),
        QuantizedWeights.packQb4w(n, k, 32, w8, 0, true, bf16, null, 0),
        null
      };
      String[] names = {"qc8w", "qc4w", "qb4w(32)", "f32"};
      for (int m : ms) {
        MemorySegment a = arena.allocate(4L * m * k, 64);
        for (long i = 0; i < (long) m * k; i++) {
          a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        }
        MemorySegment c = arena.allocate(4L * m * n, 64);
        QuantizedRows ws = QuantizedRows.allocate(m, k);
        for (int t = 0; t < packed.length; t++) {
          QuantizedWeights w = packed[t];
          Runnable call =
              w == null
                  ? () -> Sgemm.get().multiply(new GemmShape(m, n, k, 1f, false, k, true, k, 0f, n, 1, n), a, 0, wf, 0, c, 0, c, 0)
                  : () ->
                      QuantizedGemm.get()
                          .multiplyFloat(
                              m, a, 0, k, ws, w, c, 0, n, Float.NEGATIVE_INFINITY,
                              Float.POSITIVE_INFINITY);
          double ops = 2.0 * m * n * k;
          double[] rates = new double[7];
          for (int rep = -3; rep < rates.length; rep++) {
            long c0 = MX.getCurrentThreadCpuTime();
            long calls = 0;
            while (MX.getCurrentThreadCpuTime() - c0 < 300_000_000L) {
              call.run();
              calls++;
            }
            double g = ops * calls / (MX.getCurrentThreadCpuTime() - c0);
            if (rep >= 0) {
              rates[rep] = g;
            }
          }
          com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) MX;
          long before = alloc.getCurrentThreadAllocatedBytes();
          for (int i = 0; i < 20; i++) {
            call.run();
          }
          double bytesPerCall = (alloc.getCurrentThreadAllocatedBytes() - before) / 20.0;
          Arrays.sort(rates);
          System.out.printf(
              "m=%d n=k=%d %-8s median %6.1f GOPS per CPU-second (min %.1f, max %.1f), %.0f B/call%n",
              m, size, names[t], rates[3], rates[0], rates[6], bytesPerCall);
        }
      }
    }
  }
}
