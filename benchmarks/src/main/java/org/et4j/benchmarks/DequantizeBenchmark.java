package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.quantized.DequantizeRows;
import org.et4j.kernels.quantized.ScalarDequantizeRows;
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
 * int8 to float32 dequantization (what {@code dequantize_per_tensor} / {@code _per_channel} do to
 * pt2e weights on every run): the Vector API loop against its scalar twin.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DequantizeBenchmark {
  @Param({"4096", "65536"})
  int n;

  private Arena arena;
  private MemorySegment q;
  private MemorySegment out;
  private final DequantizeRows scalar = ScalarDequantizeRows.INSTANCE;
  private final DequantizeRows vector = DequantizeRows.get();

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    q = arena.allocate(n, 64);
    out = arena.allocate(4L * n, 64);
    for (int i = 0; i < n; i++) {
      q.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public MemorySegment int8Scalar() {
    scalar.dequantize(q, out, 0, n, 3, 0.02f, false);
    return out;
  }

  @Benchmark
  public MemorySegment int8Vector() {
    vector.dequantize(q, out, 0, n, 3, 0.02f, false);
    return out;
  }
}
