package org.et4j.benchmarks.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.portable.norm.LayerNormRows;
import org.et4j.kernels.portable.norm.ScalarLayerNormRows;
import org.et4j.kernels.portable.pointwise.FloatPointwise;
import org.et4j.kernels.portable.reduce.FloatRows;
import org.et4j.kernels.portable.reduce.ScalarFloatRows;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The memory-bound kernels in GB/s: elementwise {@code add}, {@code mul}, {@code relu} through the
 * kernel registry (bound once, executed per call, as the interpreter runs them), and
 * {@code softmax} and {@code layer_norm} along the last dim of a {@code [size / 1024, 1024]}
 * float32 tensor through their row kernels. {@code gbytes} counts the bytes a call must move at
 * least (each input read once, the output written once; layer_norm's 4 KiB weight and bias stay
 * in L1 and are not counted), so the rate is comparable with a memory copy's. {@code size = 262144} (1 MiB per tensor)
 * stays in L2, {@code 4194304} (16 MiB) does not.
 *
 * <p>{@code exp}, {@code sigmoid}, {@code tanh} and {@code gelu} (exact, and {@code geluTanh}) run
 * et4j's float32 loops ({@code FloatPointwise}, exactly rounded approximations identical in every
 * JIT state); the {@code *VectorApi} methods are the same loops with the Vector API's
 * {@code lanewise(EXP / TANH)}, the peer they replaced. Compute-bound: read ns per element as
 * {@code 8 / (GB/s)}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar BandwidthBenchmark -prof gc
 * java -jar benchmarks/target/benchmarks.jar 'BandwidthBenchmark.(add|softmax)Vector' -p size=4194304
 * </pre>
 *
 * <p>{@code *Vector} methods use the default {@code et4j.vector}; {@code *Scalar} the scalar twins
 * (the registry's kernels with {@code -Det4j.vector=off}, the row kernels' scalar classes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Det4j.threads=1"})
public class BandwidthBenchmark {
  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final int ROW = 1024;

  @Param({"262144", "4194304"})
  public int size;

  private KernelCall add;
  private KernelCall mul;
  private KernelCall relu;
  private MemorySegment x;
  private MemorySegment y;
  private MemorySegment weight;
  private MemorySegment bias;
  private final float[] stats = new float[2];
  private final FloatRows vectorRows = FloatRows.get();
  private final FloatRows scalarRows = ScalarFloatRows.INSTANCE;
  private final LayerNormRows vectorNorm = LayerNormRows.get();
  private final LayerNormRows scalarNorm = ScalarLayerNormRows.INSTANCE;
  private final FloatPointwise pointwise = FloatPointwise.instance();
  private final KernelContext context = bytes -> Arena.ofAuto().allocate(bytes, 64);

  /** GB moved, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public double gbytes;
  }

  private static MemorySegment random(Arena arena, int n, long seed) {
    MemorySegment data = arena.allocate((long) n * 4, 64);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      data.setAtIndex(F32, i, (float) r.nextGaussian());
    }
    return data;
  }

  private static TensorImpl tensor(MemorySegment data, int n) {
    return TensorImpl.contiguous(ScalarType.FLOAT, new int[] {n}, data);
  }

  @Setup(Level.Trial)
  public void setUp() {
    Arena arena = Arena.ofAuto();
    x = random(arena, size, 1);
    MemorySegment other = random(arena, size, 2);
    y = random(arena, size, 3);
    weight = random(arena, ROW, 4);
    bias = random(arena, ROW, 5);
    KernelRegistry registry = KernelRegistry.discover();
    TensorImpl a = tensor(x, size);
    TensorImpl b = tensor(other, size);
    TensorImpl out = tensor(y, size);
    add = registry.lookup("aten::add.out").bind(new Value[] {
        Value.ofTensor(a), Value.ofTensor(b), Value.ofInt(1), Value.ofTensor(out), Value.ofTensor(out)});
    mul = registry.lookup("aten::mul.out").bind(new Value[] {
        Value.ofTensor(a), Value.ofTensor(b), Value.ofTensor(out), Value.ofTensor(out)});
    relu = registry.lookup("aten::relu.out").bind(new Value[] {Value.ofTensor(a), Value.ofTensor(out), Value.ofTensor(out)});
  }

  private double binaryBytes() {
    return 12.0 * size / 1e9;
  }

  private double unaryBytes() {
    return 8.0 * size / 1e9;
  }

  @Benchmark
  public void addVector(Bytes bytes) {
    add.execute(context);
    bytes.gbytes += binaryBytes();
  }

  @Benchmark
  @Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Det4j.threads=1", "-Det4j.vector=off"})
  public void addScalar(Bytes bytes) {
    add.execute(context);
    bytes.gbytes += binaryBytes();
  }

  @Benchmark
  public void mulVector(Bytes bytes) {
    mul.execute(context);
    bytes.gbytes += binaryBytes();
  }

  @Benchmark
  public void reluVector(Bytes bytes) {
    relu.execute(context);
    bytes.gbytes += unaryBytes();
  }

  @Benchmark
  @Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Det4j.threads=1", "-Det4j.vector=off"})
  public void reluScalar(Bytes bytes) {
    relu.execute(context);
    bytes.gbytes += unaryBytes();
  }

  @Benchmark
  public MemorySegment softmaxVector(Bytes bytes) {
    for (int r = 0; r < size / ROW; r++) {
      vectorRows.softmax(x, (long) r * ROW, y, (long) r * ROW, ROW);
    }
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment softmaxScalar(Bytes bytes) {
    for (int r = 0; r < size / ROW; r++) {
      scalarRows.softmax(x, (long) r * ROW, y, (long) r * ROW, ROW);
    }
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment layerNormVector(Bytes bytes) {
    for (int r = 0; r < size / ROW; r++) {
      vectorNorm.row(x, (long) r * ROW, weight, bias, y, (long) r * ROW, ROW, 1e-5f, stats);
    }
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment layerNormScalar(Bytes bytes) {
    for (int r = 0; r < size / ROW; r++) {
      scalarNorm.row(x, (long) r * ROW, weight, bias, y, (long) r * ROW, ROW, 1e-5f, stats);
    }
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment expVector(Bytes bytes) {
    pointwise.exp(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment expVectorApi(Bytes bytes) {
    VectorApiTranscendentals.exp(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment sigmoidVector(Bytes bytes) {
    pointwise.sigmoid(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment sigmoidVectorApi(Bytes bytes) {
    VectorApiTranscendentals.sigmoid(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment tanhVector(Bytes bytes) {
    pointwise.tanh(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment tanhVectorApi(Bytes bytes) {
    VectorApiTranscendentals.tanh(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment geluVector(Bytes bytes) {
    pointwise.gelu(x, y, size, false);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment geluVectorApi(Bytes bytes) {
    VectorApiTranscendentals.gelu(x, y, size);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  public MemorySegment geluTanhVector(Bytes bytes) {
    pointwise.gelu(x, y, size, true);
    bytes.gbytes += unaryBytes();
    return y;
  }

  @Benchmark
  @Fork(jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Det4j.threads=1", "-Det4j.vector=off"})
  public MemorySegment geluScalar(Bytes bytes) {
    pointwise.gelu(x, y, size, false);
    bytes.gbytes += unaryBytes();
    return y;
  }
}
