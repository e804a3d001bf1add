package org.et4j.benchmarks.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
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
 * Float32 pointwise ops through the kernel registry, as the interpreter runs them (bind once,
 * execute per call): the Vector API kernels ({@code *Vector}, default {@code et4j.vector}) against
 * their scalar twins ({@code *Scalar}, {@code -Det4j.vector=off}), each in its own forks.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PointwiseBenchmark -f 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PointwiseBenchmark {
  private static final String VECTOR = "--add-modules=jdk.incubator.vector";
  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @Param({"4096", "262144"})
  public int size;

  private KernelCall add;
  private KernelCall gelu;
  private KernelCall sigmoid;
  private KernelCall mul;
  private KernelCall relu;
  private KernelCall tanh;
  private KernelCall exp;
  private KernelCall clamp;
  private KernelCall where;
  private final KernelContext context = bytes -> Arena.ofAuto().allocate(bytes, 64);

  private static TensorImpl tensor(Arena arena, int n, long seed) {
    MemorySegment data = arena.allocate((long) n * 4, 64);
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      data.setAtIndex(F32, i, (float) r.nextGaussian());
    }
    return TensorImpl.contiguous(ScalarType.FLOAT, new int[] {n}, data);
  }

  @Setup(Level.Trial)
  public void setUp() {
    Arena arena = Arena.ofAuto();
    KernelRegistry registry = KernelRegistry.discover();
    TensorImpl a = tensor(arena, size, 1);
    TensorImpl b = tensor(arena, size, 2);
    TensorImpl out = tensor(arena, size, 3);
    add =
        registry
            .lookup("aten::add.out")
            .bind(
                new Value[] {
                  Value.ofTensor(a), Value.ofTensor(b), Value.ofInt(1), Value.ofTensor(out), Value.ofTensor(out)
                });
    Value none = new Value();
    none.setString("none");
    gelu =
        registry
            .lookup("aten::gelu.out")
            .bind(new Value[] {Value.ofTensor(a), none, Value.ofTensor(out), Value.ofTensor(out)});
    sigmoid = unary(registry, "aten::sigmoid.out", a, out);
    relu = unary(registry, "aten::relu.out", a, out);
    tanh = unary(registry, "aten::tanh.out", a, out);
    exp = unary(registry, "aten::exp.out", a, out);
    mul =
        registry
            .lookup("aten::mul.out")
            .bind(new Value[] {Value.ofTensor(a), Value.ofTensor(b), Value.ofTensor(out), Value.ofTensor(out)});
    clamp =
        registry
            .lookup("aten::clamp.out")
            .bind(
                new Value[] {
                  Value.ofTensor(a), Value.ofDouble(-0.5), Value.ofDouble(0.5), Value.ofTensor(out), Value.ofTensor(out)
                });
    MemorySegment condData = arena.allocate(size);
    Random r = new Random(4);
    for (int i = 0; i < size; i++) {
      condData.set(ValueLayout.JAVA_BYTE, i, (byte) (r.nextBoolean() ? 1 : 0));
    }
    TensorImpl cond = TensorImpl.contiguous(ScalarType.BOOL, new int[] {size}, condData);
    where =
        registry
            .lookup("aten::where.self_out")
            .bind(
                new Value[] {
                  Value.ofTensor(cond), Value.ofTensor(a), Value.ofTensor(b), Value.ofTensor(out), Value.ofTensor(out)
                });
  }

  private static KernelCall unary(KernelRegistry registry, String op, TensorImpl a, TensorImpl out) {
    return registry.lookup(op).bind(new Value[] {Value.ofTensor(a), Value.ofTensor(out), Value.ofTensor(out)});
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void addVector() {
    add.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void addScalar() {
    add.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void geluVector() {
    gelu.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void geluScalar() {
    gelu.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void sigmoidVector() {
    sigmoid.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void sigmoidScalar() {
    sigmoid.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void mulVector() {
    mul.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void mulScalar() {
    mul.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void reluVector() {
    relu.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void reluScalar() {
    relu.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void tanhVector() {
    tanh.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void tanhScalar() {
    tanh.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void expVector() {
    exp.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void expScalar() {
    exp.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void clampVector() {
    clamp.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void clampScalar() {
    clamp.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = VECTOR)
  public void whereVector() {
    where.execute(context);
  }

  @Benchmark
  @Fork(jvmArgsAppend = {VECTOR, "-Det4j.vector=off"})
  public void whereScalar() {
    where.execute(context);
  }
}
