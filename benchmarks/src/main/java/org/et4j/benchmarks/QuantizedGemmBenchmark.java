package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.qgemm.QuantizedGemm;
import org.et4j.kernels.qgemm.QuantizedRows;
import org.et4j.kernels.qgemm.QuantizedWeights;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A dynamically quantized linear layer, {@code [m, k] x [n, k]^T}, as XNNPACK's Convert +
 * FullyConnected pair runs it: {@link QuantizedGemm#multiplyFloat} quantizes the fp32 rows and
 * multiplies by packed {@code qc8w}, {@code qc4w} or {@code qb4w} (block 32) weights. {@code f32}
 * runs the float {@link Sgemm} on the same shape in the same layout ({@code transB}, as {@code
 * linear}), the baseline a quantized model replaces. Reports {@code gops}: {@code 2 m n k / 1e9}
 * per call, divided by time by JMH.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class QuantizedGemmBenchmark {

  @Param({"1", "8", "64"})
  public int m;

  @Param({"1024"})
  public int size;

  @Param({"qc8w", "qc4w", "qb4w", "f32"})
  public String weights;

  private Arena arena;
  private MemorySegment a;
  private MemorySegment floatWeights;
  private MemorySegment c;
  private QuantizedWeights packed;
  private QuantizedRows workspace;

  /** Giga-operations (multiply and add count two) done, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Ops {
    public double gops;
  }

  @Setup(Level.Trial)
  public void setUp() {
    int n = size;
    int k = size;
    arena = Arena.ofShared();
    SplittableRandom r = new SplittableRandom(1);
    a = arena.allocate(4L * m * k, 64);
    for (long i = 0; i < (long) m * k; i++) {
      a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    c = arena.allocate(4L * m * n, 64);
    float[] scales = new float[n];
    for (int j = 0; j < n; j++) {
      scales[j] = 0.01f;
    }
    MemorySegment w = arena.allocate((long) n * k, 64);
    for (long i = 0; i < (long) n * k; i++) {
      w.set(ValueLayout.JAVA_BYTE, i, (byte) r.nextInt(256));
    }
    short[] bf16 = new short[n * k / 32];
    for (int i = 0; i < bf16.length; i++) {
      bf16[i] = (short) (Float.floatToRawIntBits(0.01f) >>> 16);
    }
    switch (weights) {
      case "qc8w" -> packed = QuantizedWeights.packQc8w(n, k, w, 0, true, scales, null, 0);
      case "qc4w" -> packed = QuantizedWeights.packQc4w(n, k, w, 0, true, scales, null, 0);
      case "qb4w" -> packed = QuantizedWeights.packQb4w(n, k, 32, w, 0, true, bf16, null, 0);
      case "f32" -> {
        floatWeights = arena.allocate(4L * n * k, 64);
        for (long i = 0; i < (long) n * k; i++) {
          floatWeights.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
        }
      }
      default -> throw new IllegalArgumentException(weights);
    }
    workspace = QuantizedRows.allocate(m, k);
    System.out.println();
    System.out.println(
        "# QuantizedGemm.get() = " + QuantizedGemm.get().name() + ", Sgemm.get() = "
            + Sgemm.get().name());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  private void run(Ops ops) {
    int n = size;
    int k = size;
    if (packed == null) {
      Sgemm.get().multiply(new GemmShape(m, n, k, 1f, false, k, true, k, 0f, n, 1, n), a, 0, floatWeights, 0, c, 0, c, 0);
    } else {
      QuantizedGemm.get()
          .multiplyFloat(
              m, a, 0, k, workspace, packed, c, 0, n, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY);
    }
    ops.gops += 2.0 * m * n * k / 1e9;
  }

  /** The implementations et4j picks on this JVM (512-bit on AVX-512). */
  @Benchmark
  public MemorySegment vector(Ops ops) {
    run(ops);
    return c;
  }

  @Benchmark
  @Fork(
      value = 2,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=256"})
  public MemorySegment vector256(Ops ops) {
    run(ops);
    return c;
  }

  /** The scalar twins: what runs without the Vector API. */
  @Benchmark
  @Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=off"})
  public MemorySegment scalar(Ops ops) {
    run(ops);
    return c;
  }
}
