package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.portable.norm.LayerNormRows;
import org.et4j.kernels.portable.norm.ScalarLayerNormRows;
import org.et4j.kernels.portable.reduce.FloatRows;
import org.et4j.kernels.portable.reduce.ScalarFloatRows;
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
 * The float32 row kernels of the reduction and normalization ops (sum, softmax, layer_norm along
 * the last dim): the Vector API implementation against its scalar twin, on one row of {@code n}.
 * Run with {@code --add-modules jdk.incubator.vector}; without it both sides are scalar.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReductionRowsBenchmark {
  @Param({"64", "1024", "4096"})
  int n;

  private Arena arena;
  private MemorySegment x;
  private MemorySegment w;
  private MemorySegment b;
  private MemorySegment y;
  private final float[] stats = new float[2];
  private final FloatRows scalarRows = ScalarFloatRows.INSTANCE;
  private final FloatRows vectorRows = FloatRows.get();
  private final LayerNormRows scalarNorm = ScalarLayerNormRows.INSTANCE;
  private final LayerNormRows vectorNorm = LayerNormRows.get();

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    x = arena.allocate(4L * n, 64);
    w = arena.allocate(4L * n, 64);
    b = arena.allocate(4L * n, 64);
    y = arena.allocate(4L * n, 64);
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < n; i++) {
      x.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 8 - 4));
      w.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
      b.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public float sumScalar() {
    return scalarRows.sum(x, 0, n);
  }

  @Benchmark
  public float sumVector() {
    return vectorRows.sum(x, 0, n);
  }

  @Benchmark
  public MemorySegment softmaxScalar() {
    scalarRows.softmax(x, 0, y, 0, n);
    return y;
  }

  @Benchmark
  public MemorySegment softmaxVector() {
    vectorRows.softmax(x, 0, y, 0, n);
    return y;
  }

  @Benchmark
  public MemorySegment layerNormScalar() {
    scalarNorm.row(x, 0, w, b, y, 0, n, 1e-5f, stats);
    return y;
  }

  @Benchmark
  public MemorySegment layerNormVector() {
    vectorNorm.row(x, 0, w, b, y, 0, n, 1e-5f, stats);
    return y;
  }
}
