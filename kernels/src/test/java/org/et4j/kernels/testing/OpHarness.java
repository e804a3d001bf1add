package org.et4j.kernels.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Calls an operator by its registered name, the way the interpreter does, so that op tests depend
 * only on the op's ExecuTorch schema and never on the class implementing it. Which
 * implementation runs (vector or scalar, which width) is chosen by the {@code et4j.vector}
 * property of the test run.
 */
public final class OpHarness {
  private static final KernelRegistry REGISTRY = KernelRegistry.discover();
  private static final Arena ARENA = Arena.ofAuto();

  private OpHarness() {}

  /** The registry under test. */
  public static KernelRegistry registry() {
    return REGISTRY;
  }

  /**
   * Runs {@code op} once on {@code args} (schema arguments plus the return slot, as in a program).
   */
  public static void call(String op, Value... args) {
    OpKernel k = REGISTRY.lookup(op);
    if (k == null) {
      throw new AssertionError("no kernel registered as " + op);
    }
    k.bind(args).execute(SimpleContext.INSTANCE);
  }

  /** A contiguous static tensor holding {@code values} converted to {@code dtype}. */
  public static TensorImpl tensor(ScalarType dtype, int[] sizes, double... values) {
    TensorImpl t = empty(dtype, sizes);
    for (int i = 0; i < values.length; i++) {
      Elements.writeDouble(dtype, t.data(), i, values[i]);
    }
    return t;
  }

  /** A contiguous static tensor of int64 values. */
  public static TensorImpl longTensor(int[] sizes, long... values) {
    TensorImpl t = empty(ScalarType.LONG, sizes);
    for (int i = 0; i < values.length; i++) {
      Elements.writeLong(ScalarType.LONG, t.data(), i, values[i]);
    }
    return t;
  }

  /** A zeroed contiguous static tensor. */
  public static TensorImpl empty(ScalarType dtype, int... sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    MemorySegment data = ARENA.allocate(Math.max(1, n * dtype.elementSize()), 64);
    return TensorImpl.contiguous(dtype, sizes, data);
  }

  /** A zeroed DYNAMIC_BOUND output with room for {@code maxElements}, initially of {@code sizes}. */
  public static TensorImpl dynamicOut(ScalarType dtype, long maxElements, int... sizes) {
    MemorySegment data = ARENA.allocate(Math.max(1, maxElements * dtype.elementSize()), 64);
    int[] order = new int[sizes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return new TensorImpl(
        dtype, sizes, order, ShapeDynamism.DYNAMIC_BOUND, data, maxElements * dtype.elementSize());
  }

  /** All elements as doubles, in storage order. */
  public static double[] values(TensorImpl t) {
    double[] out = new double[(int) t.numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Elements.readDouble(t.dtype(), t.data(), i);
    }
    return out;
  }

  /** All elements as longs, in storage order. */
  public static long[] longValues(TensorImpl t) {
    long[] out = new long[(int) t.numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Elements.readLong(t.dtype(), t.data(), i);
    }
    return out;
  }

  public static Value v(TensorImpl t) {
    return Value.ofTensor(t);
  }

  public static Value i(long x) {
    return Value.ofInt(x);
  }

  public static Value d(double x) {
    return Value.ofDouble(x);
  }

  public static Value b(boolean x) {
    return Value.ofBool(x);
  }

  public static Value none() {
    return new Value();
  }

  /** An int list whose items are their own Int slots, as in a program. */
  public static Value ints(long... xs) {
    List<Value> items = new ArrayList<>();
    for (long x : xs) {
      items.add(Value.ofInt(x));
    }
    Value v = new Value();
    v.setIntList(items.toArray(new Value[0]));
    return v;
  }

  public static Value tensors(TensorImpl... ts) {
    Value[] items = new Value[ts.length];
    for (int i = 0; i < ts.length; i++) {
      items[i] = Value.ofTensor(ts[i]);
    }
    Value v = new Value();
    v.setTensorList(items);
    return v;
  }

  /**
   * The context {@link #call} executes with, for tests that bind several kernels before running
   * them (as a method's loader does).
   *
   * @return a context whose scratch memory is a fresh allocation each time
   */
  public static KernelContext context() {
    return SimpleContext.INSTANCE;
  }

  /** Scratch memory for tests: a fresh allocation each time. */
  private enum SimpleContext implements KernelContext {
    INSTANCE;

    @Override
    public MemorySegment scratch(long byteSize) {
      return ARENA.allocate(Math.max(1, byteSize), 64);
    }
  }
}
