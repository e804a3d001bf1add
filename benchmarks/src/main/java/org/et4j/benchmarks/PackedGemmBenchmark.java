package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
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
 * A linear layer, {@code C[m, n] = A[m, k] W^T + bias} with {@code W} of shape {@code [n, k]} and
 * {@code n = k = size}: {@link Sgemm#multiplyPacked} on weights packed once at setup against {@link
 * Sgemm#multiply}, which packs {@code W} on every call (as the portable {@code linear} does). Row
 * counts 1 and 8 are token decoding, 32 and 256 prefill. Reports {@code gflops} ({@code 2 m n k /
 * 1e9} per call, divided by time by JMH).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class PackedGemmBenchmark {

  @Param({"1", "8", "32", "256"})
  public int m;

  @Param({"512", "1024"})
  public int size;

  private Arena arena;
  private MemorySegment a;
  private MemorySegment w;
  private MemorySegment bias;
  private MemorySegment c;
  private PackedMatrix packed;

  /** GFLOP done, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflops;
  }

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    a = random((long) m * size);
    w = random((long) size * size);
    bias = random(size);
    c = arena.allocate(4L * m * size, 64);
    packed = Sgemm.get().packB(size, size, w, 0, size, true, bias, 0);
    System.out.println();
    System.out.println("# Sgemm.get() = " + Sgemm.get().name());
  }

  private MemorySegment random(long floats) {
    MemorySegment s = arena.allocate(4 * floats, 64);
    SplittableRandom r = new SplittableRandom(floats);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  /** Weights packed once; bias and clamp fused. */
  @Benchmark
  public MemorySegment packed(Flops flops) {
    Sgemm.get().multiplyPacked(m, a, 0, size, packed, c, 0, size, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY);
    flops.gflops += 2.0 * m * size * size / 1e9;
    return c;
  }

  /** The existing entry point: B transposed, bias as a broadcast addend row. */
  @Benchmark
  public MemorySegment multiply(Flops flops) {
    Sgemm.get().multiply(new GemmShape(m, size, size, 1f, false, size, true, size, 1f, 0, 1, size), a, 0, w, 0, bias, 0, c, 0);
    flops.gflops += 2.0 * m * size * size / 1e9;
    return c;
  }
}
