package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Single-threaded SGEMM, {@code C = A B} with square row-major operands. Each benchmark also
 * reports {@code gflops}: an auxiliary counter that adds {@code 2 n^3 / 1e9} per call, which JMH
 * divides by time. The width is chosen per fork with {@code et4j.vector}, so every path of {@link
 * Sgemm} is measured in one run. See {@code benchmarks/README.md} for how to run and the results.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class GemmBenchmark {

  @Param({"256", "512", "1024"})
  public int size;

  /** Also the transposed-B (linear) layout: {@code C = A W^T}. */
  @Param({"false"})
  public boolean transB;

  private Arena arena;
  private MemorySegment a;
  private MemorySegment b;
  private MemorySegment c;

  /** GFLOP done, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflops;
  }

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    long bytes = (long) size * size * Float.BYTES;
    a = arena.allocate(bytes, 64);
    b = arena.allocate(bytes, 64);
    c = arena.allocate(bytes, 64);
    SplittableRandom r = new SplittableRandom(1);
    for (long i = 0; i < (long) size * size; i++) {
      a.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
      b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    System.out.println();
    System.out.println("# Sgemm.get() = " + Sgemm.get().name());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  private void run(Sgemm g, Flops flops) {
    int n = size;
    g.multiply(new GemmShape(n, n, n, 1f, false, n, transB, n, 0f, n, 1, n), a, 0, b, 0, c, 0, c, 0);
    flops.gflops += 2.0 * n * n * n / 1e9;
  }

  /** The implementation et4j picks on this JVM (512-bit on AVX-512). */
  @Benchmark
  public MemorySegment vector(Flops flops) {
    run(Sgemm.get(), flops);
    return c;
  }

  @Benchmark
  @Fork(
      value = 2,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=256"})
  public MemorySegment vector256(Flops flops) {
    run(Sgemm.get(), flops);
    return c;
  }

  @Benchmark
  @Fork(
      value = 2,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=128"})
  public MemorySegment vector128(Flops flops) {
    run(Sgemm.get(), flops);
    return c;
  }

  /** The scalar twin: what runs without the Vector API. */
  @Benchmark
  @Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=off"})
  public MemorySegment scalar(Flops flops) {
    run(Sgemm.get(), flops);
    return c;
  }
}
