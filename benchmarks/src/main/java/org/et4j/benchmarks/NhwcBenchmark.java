package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.nhwc.DepthwiseConv2dNhwc;
import org.et4j.kernels.nhwc.GlobalAvgPooling2dNhwc;
import org.et4j.kernels.nhwc.Pooling2dNhwc;
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
 * Single-threaded NHWC spatial kernels at MobileNetV2's shapes: depthwise 3x3 stride 1 at
 * 112x112x32 and stride 2 at 56x56x144 (padding 1, ReLU6 fused), max pooling 3x3 stride 2 at
 * 112x112x64 (padding 1) and global average pooling at 7x7x1280. Each call adds to two auxiliary
 * counters that JMH divides by time: {@code gflops} (two per multiply-add of a depthwise tap,
 * padding taps excluded; one per compared or added element for pooling) and {@code gbytes}
 * (input read once plus output written once, the floor on memory traffic). The width is chosen
 * per fork with {@code et4j.vector}, as in {@link GemmBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class NhwcBenchmark {

  @Param({"dwconv3x3s1_112x112x32", "dwconv3x3s2_56x56x144", "maxpool3x3s2_112x112x64",
      "gavgpool_7x7x1280"})
  public String shape;

  private Arena arena;
  private MemorySegment in;
  private MemorySegment out;
  private int h;
  private int w;
  private DepthwiseConv2dNhwc depthwise;
  private Pooling2dNhwc pool;
  private GlobalAvgPooling2dNhwc global;
  private double gflopsPerCall;
  private double gbytesPerCall;

  /** GFLOP and GB moved, reported by JMH as rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Work {
    public double gflops;
    public double gbytes;
  }

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    SplittableRandom r = new SplittableRandom(1);
    int c;
    long outElems;
    switch (shape) {
      case "dwconv3x3s1_112x112x32", "dwconv3x3s2_56x56x144" -> {
        boolean s1 = shape.startsWith("dwconv3x3s1");
        h = w = s1 ? 112 : 56;
        c = s1 ? 32 : 144;
        int stride = s1 ? 1 : 2;
        MemorySegment filter = random(arena, r, 9L * c);
        MemorySegment bias = random(arena, r, c);
        depthwise = DepthwiseConv2dNhwc.prepare(
            c, 1, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1, filter, 0, bias, 0);
        int oh = depthwise.outputHeight(h);
        int ow = depthwise.outputWidth(w);
        outElems = (long) oh * ow * c;
        long taps = 0;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            for (int k = 0; k < 9; k++) {
              int iy = oy * stride - 1 + k / 3;
              int ix = ox * stride - 1 + k % 3;
              taps += iy >= 0 && iy < h && ix >= 0 && ix < w ? 1 : 0;
            }
          }
        }
        gflopsPerCall = 2.0 * taps * c / 1e9;
      }
      case "maxpool3x3s2_112x112x64" -> {
        h = w = 112;
        c = 64;
        pool = Pooling2dNhwc.prepareMax(c, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        outElems = (long) pool.outputHeight(h) * pool.outputWidth(w) * c;
        gflopsPerCall = 9.0 * outElems / 1e9;
      }
      case "gavgpool_7x7x1280" -> {
        h = w = 7;
        c = 1280;
        global = GlobalAvgPooling2dNhwc.prepare(c);
        outElems = c;
        gflopsPerCall = (double) h * w * c / 1e9;
      }
      default -> throw new IllegalArgumentException("unknown shape " + shape);
    }
    in = random(arena, r, (long) h * w * c);
    out = arena.allocate(outElems * Float.BYTES, 64);
    gbytesPerCall = ((double) h * w * c + outElems) * Float.BYTES / 1e9;
  }

  private static MemorySegment random(Arena arena, SplittableRandom r, long n) {
    MemorySegment s = arena.allocate(n * Float.BYTES, 64);
    for (long i = 0; i < n; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  private MemorySegment run(Work work) {
    if (depthwise != null) {
      depthwise.run(1, h, w, in, 0, out, 0, 0f, 6f);
    } else if (pool != null) {
      pool.run(1, h, w, in, 0, out, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    } else {
      global.run(1, h, w, in, 0, out, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }
    work.gflops += gflopsPerCall;
    work.gbytes += gbytesPerCall;
    return out;
  }

  /** The implementation et4j picks on this JVM (512-bit on AVX-512). */
  @Benchmark
  public MemorySegment vector(Work work) {
    return run(work);
  }

  @Benchmark
  @Fork(
      value = 2,
      jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=256"})
  public MemorySegment vector256(Work work) {
    return run(work);
  }

  /** The scalar twin: what runs without the Vector API. */
  @Benchmark
  @Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Det4j.vector=off"})
  public MemorySegment scalar(Work work) {
    return run(work);
  }
}
