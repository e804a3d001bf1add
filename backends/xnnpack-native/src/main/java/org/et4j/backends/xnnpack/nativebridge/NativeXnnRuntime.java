package org.et4j.backends.xnnpack.nativebridge;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * One XNNPACK delegate running on the native library: ExecuTorch's {@code XNNExecutor} over
 * {@code xnn_runtime_t}. Built once at method load ({@link NativeXnnDefiner} defines the
 * subgraph, {@code xnn_create_runtime_v4} packs the weights); each {@link #execute} copies the
 * inputs into padded native buffers, reshapes the external inputs and the runtime when an input
 * shape changed, resizes the outputs to the shapes XNNPACK computed before running, runs
 * ({@code xnn_setup_runtime_v2}, {@code xnn_invoke_runtime}) and widens int32 results that the
 * program declares int64. Nothing is allocated per execution unless an input grows.
 *
 * <p>The payload's constants are handed to XNNPACK as views of the program's memory, not copied;
 * XNNPACK keeps pointers to the ones it does not pack, so every execution first checks that the
 * program's memory is still open and refuses to run (IllegalStateException) once it is not.
 *
 * <p>Not re-entrant, like ExecuTorch's executor: one Method (so one thread) at a time.
 */
final class NativeXnnRuntime implements DelegateHandle {
  private static final AtomicLong CREATED = new AtomicLong();
  private static final AtomicLong EXECUTED = new AtomicLong();

  private final XnnLibrary lib;
  private final String where;
  private final int numExterns;
  private final Arena arena;
  private final MemorySegment runtime;
  private final XnnValue[] inputs;
  private final XnnValue[] outputs;
  /** The scopes of the program memory the constants live in. */
  private final MemorySegment.Scope[] constantScopes;
  /** {@code struct xnn_external_value[inputs + outputs]}, in that order. */
  private final MemorySegment externals;
  private final MemorySegment dims;
  private final MemorySegment numDims;
  private final MemorySegment[] staging;
  private final int[][] lastInputDims;
  private final long[][] outputShapes;
  private final int[][] outputSizes;
  private final Extra extra;
  private boolean shapesKnown;
  private boolean closed;

  /** Intermediate values exposed as extra external outputs (node-by-node comparison only). */
  record Extra(XnnValue[] values, MemorySegment[] buffers, long[][] shapes) {}

  NativeXnnRuntime(XnnLibrary lib, XnnGraph graph, Arena arena, MemorySegment runtime, Extra extra) {
    this.lib = lib;
    this.where = graph.where + " (native XNNPACK)";
    this.numExterns = graph.numExterns();
    this.arena = arena;
    this.runtime = runtime;
    this.extra = extra;
    List<XnnValue> ins = new ArrayList<>();
    List<XnnValue> outs = new ArrayList<>();
    Set<MemorySegment.Scope> scopes = new LinkedHashSet<>();
    for (XnnValue v : graph.values()) {
      if (v.externalInput()) {
        ins.add(v);
      } else if (v.externalOutput()) {
        outs.add(v);
      }
      if (v.isConstant()) {
        scopes.add(v.constant().scope());
      }
    }
    ins.sort((a, b) -> Integer.compare(a.externalIndex(), b.externalIndex()));
    outs.sort((a, b) -> Integer.compare(a.externalIndex(), b.externalIndex()));
    this.inputs = ins.toArray(XnnValue[]::new);
    this.outputs = outs.toArray(XnnValue[]::new);
    this.constantScopes = scopes.toArray(MemorySegment.Scope[]::new);
    int nExtra = extra == null ? 0 : extra.values.length;
    this.externals = arena.allocate(XnnLibrary.EXTERNAL_VALUE, Math.max(1, inputs.length + outputs.length + nExtra));
    for (int i = 0; i < inputs.length; i++) {
      externals.setAtIndex(ValueLayout.JAVA_INT, 4L * i, inputs[i].externalIndex());
    }
    for (int i = 0; i < outputs.length; i++) {
      externals.setAtIndex(ValueLayout.JAVA_INT, 4L * (inputs.length + i), outputs[i].externalIndex());
    }
    for (int i = 0; i < nExtra; i++) {
      externals.setAtIndex(ValueLayout.JAVA_INT, 4L * (inputs.length + outputs.length + i), numExterns + i);
    }
    this.dims = arena.allocate(ValueLayout.JAVA_LONG, XnnLibrary.MAX_TENSOR_DIMS);
    this.numDims = arena.allocate(ValueLayout.JAVA_LONG);
    this.staging = new MemorySegment[inputs.length];
    this.lastInputDims = new int[inputs.length][];
    this.outputShapes = new long[outputs.length][];
    this.outputSizes = new int[outputs.length][];
    CREATED.incrementAndGet();
  }

  /** Native runtimes created in this JVM, so tests can tell that the native path really ran. */
  static long created() {
    return CREATED.get();
  }

  /** Native executions in this JVM. */
  static long executed() {
    return EXECUTED.get();
  }

  @Override
  public void execute(Value[] args) {
    if (closed) {
      throw new IllegalStateException(where + ": the delegate was closed");
    }
    for (MemorySegment.Scope s : constantScopes) {
      if (!s.isAlive()) {
        throw new IllegalStateException(where + ": the program whose constants XNNPACK uses was closed; close its"
            + " methods before the program");
      }
    }
    if (args.length < numExterns) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": the DelegateCall passes " + args.length
          + " arguments but the graph has " + numExterns + " external values");
    }
    try {
      bindInputs(args);
      bindOutputs(args);
      int n = inputs.length + outputs.length + (extra == null ? 0 : extra.values.length);
      check((int) lib.setupRuntimeV2.invokeExact(runtime, (long) n, externals), "xnn_setup_runtime_v2");
      check((int) lib.invokeRuntime.invokeExact(runtime), "xnn_invoke_runtime");
    } catch (ExecuTorchException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, where + ": native call failed: " + t, t);
    }
    EXECUTED.incrementAndGet();
    for (int i = 0; i < outputs.length; i++) {
      TensorImpl t = args[outputs[i].externalIndex()].toTensor();
      MemorySegment data = t.data();
      if (t.dtype() == ScalarType.LONG && outputs[i].datatype() == XnnDatatype.INT32) {
        widenInt32ToInt64(data, t.numel());
      }
    }
  }

  private void bindInputs(Value[] args) throws Throwable {
    boolean changed = !shapesKnown;
    for (int i = 0; i < inputs.length; i++) {
      XnnValue x = inputs[i];
      TensorImpl t = tensorArg(args, x, "input");
      checkDtype(t, x, "input");
      int rank = t.dim();
      if (rank > XnnLibrary.MAX_TENSOR_DIMS) {
        throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": input " + x.externalIndex() + " is "
            + t.describe() + "; XNNPACK accepts at most " + XnnLibrary.MAX_TENSOR_DIMS + " dims");
      }
      int[] prev = lastInputDims[i];
      boolean same = prev != null && prev.length == rank;
      for (int j = 0; same && j < rank; j++) {
        same = prev[j] == t.size(t.dimOrder(j));
      }
      if (!same) {
        int[] now = new int[rank];
        for (int j = 0; j < rank; j++) {
          now[j] = t.size(t.dimOrder(j));
          dims.setAtIndex(ValueLayout.JAVA_LONG, j, now[j]);
        }
        check((int) lib.reshapeExternalValue.invokeExact(runtime, x.externalIndex(), (long) rank, dims),
            "xnn_reshape_external_value for input " + x.externalIndex() + " " + t.describe());
        lastInputDims[i] = now;
        changed = true;
      }
      long bytes = t.nbytes();
      MemorySegment s = staging[i];
      if (s == null || s.byteSize() < bytes + XnnLibrary.EXTRA_BYTES) {
        // XNNPACK may read XNN_EXTRA_BYTES past an input, so inputs go through a padded copy.
        s = staging[i] = arena.allocate(bytes + XnnLibrary.EXTRA_BYTES, 64);
      }
      MemorySegment.copy(t.data(), 0, s, 0, bytes);
      externals.set(ValueLayout.ADDRESS, 16L * i + 8, s);
    }
    if (changed) {
      shapesKnown = false;
      check((int) lib.reshapeRuntime.invokeExact(runtime), "xnn_reshape_runtime");
      for (int i = 0; i < outputs.length; i++) {
        outputShapes[i] = externalShape(outputs[i].externalIndex());
      }
      if (extra != null) {
        for (int i = 0; i < extra.values.length; i++) {
          long[] shape = externalShape(numExterns + i);
          extra.shapes[i] = shape;
          long need = bytesOf(extra.values[i], shape);
          if (extra.buffers[i] == null || extra.buffers[i].byteSize() < need) {
            extra.buffers[i] = arena.allocate(Math.max(1, need), 64);
          }
          externals.set(ValueLayout.ADDRESS, 16L * (inputs.length + outputs.length + i) + 8, extra.buffers[i]);
        }
      }
      shapesKnown = true;
    }
  }

  private long[] externalShape(int externalId) throws Throwable {
    check((int) lib.getExternalValueShape.invokeExact(runtime, externalId, numDims, dims),
        "xnn_get_external_value_shape for external " + externalId);
    long rank = numDims.get(ValueLayout.JAVA_LONG, 0);
    if (rank < 0 || rank > XnnLibrary.MAX_TENSOR_DIMS) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, where + ": XNNPACK reports rank " + rank + " for external " + externalId);
    }
    long[] shape = new long[(int) rank];
    for (int j = 0; j < rank; j++) {
      shape[j] = dims.getAtIndex(ValueLayout.JAVA_LONG, j);
    }
    return shape;
  }

  private void bindOutputs(Value[] args) {
    for (int i = 0; i < outputs.length; i++) {
      XnnValue x = outputs[i];
      TensorImpl t = tensorArg(args, x, "output");
      checkDtype(t, x, "output");
      long[] shape = outputShapes[i];
      int[] sizes = outputSizes[i];
      if (sizes == null || sizes.length != t.dim()) {
        sizes = outputSizes[i] = new int[t.dim()];
      }
      // As et4j's Java delegate: the graph's rank may exceed the tensor's by leading 1s.
      int lead = shape.length - t.dim();
      for (int d = 0; d < lead; d++) {
        if (shape[d] != 1) {
          throw rankMismatch(t, x, shape);
        }
      }
      for (int j = 0; j < t.dim(); j++) {
        long size = j + lead < 0 ? 1 : shape[j + lead];
        if (size > Integer.MAX_VALUE) {
          throw rankMismatch(t, x, shape);
        }
        sizes[t.dimOrder(j)] = (int) size;
      }
      t.resize(sizes);
      MemorySegment data = t.data();
      long need = bytesOf(x, shape);
      if (data.byteSize() < need) {
        throw new ExecuTorchException(ErrorCode.INVALID_STATE, where + ": output " + x.externalIndex() + " has "
            + data.byteSize() + " bytes, XNNPACK's " + java.util.Arrays.toString(shape) + " needs " + need);
      }
      if (!data.isNative()) {
        throw new ExecuTorchException(ErrorCode.NOT_SUPPORTED, where + ": output " + x.externalIndex()
            + " lives on the Java heap; native XNNPACK writes only native memory");
      }
      externals.set(ValueLayout.ADDRESS, 16L * (inputs.length + i) + 8, data);
    }
  }

  /**
   * Runs {@code xnn_invoke_runtime} alone, {@code n} times, on the pointers of the last
   * execution: the native compute without et4j's binding, copying and setup, for measuring what
   * the bridge adds per execution.
   *
   * @return the elapsed nanoseconds
   */
  long invokeOnly(int n) {
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        check((int) lib.invokeRuntime.invokeExact(runtime), "xnn_invoke_runtime");
      }
      return System.nanoTime() - t0;
    } catch (ExecuTorchException e) {
      throw e;
    } catch (Throwable t) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, where + ": native call failed: " + t, t);
    }
  }

  /** The graph outputs, in external-id order. */
  XnnValue[] outputs() {
    return outputs;
  }

  /** Output {@code i}'s shape as XNNPACK computed it for the last run (physical order). */
  long[] outputShape(int i) {
    return outputShapes[i];
  }

  /** The exposed intermediate values' contents after the last run (node-by-node comparison). */
  Extra extra() {
    return extra;
  }

  static long bytesOf(XnnValue v, long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    long row = shape.length == 0 ? 1 : shape[shape.length - 1];
    return v.datatype() == XnnDatatype.QDINT8 ? n : v.datatype().storageBytes(n, row);
  }

  private ExecuTorchException rankMismatch(TensorImpl t, XnnValue x, long[] shape) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": output " + x.externalIndex() + " is "
        + t.describe() + " but XNNPACK computed " + java.util.Arrays.toString(shape));
  }

  private void check(int status, String what) {
    if (status != 0) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, where + ": " + what + " returned " + XnnLibrary.statusName(status));
    }
  }

  private TensorImpl tensorArg(Value[] args, XnnValue x, String role) {
    Value a = args[x.externalIndex()];
    if (!a.isTensor()) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": expected argument "
          + x.externalIndex() + " (" + role + ") to be a tensor, but got " + a.tag());
    }
    return a.toTensor();
  }

  private void checkDtype(TensorImpl t, XnnValue x, String role) {
    ScalarType want = x.datatype().boundaryDtype(t.dtype(), role.equals("output"));
    if (want != t.dtype()) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": " + role + " argument "
          + x.externalIndex() + " is " + t.describe() + " but the graph's " + x.describe() + " needs "
          + (want == null ? "a type that cannot cross the delegate boundary" : want.displayName()));
    }
  }

  /** ExecuTorch's convert_outputs: int32 results to int64 in place, from the end backwards. */
  private static void widenInt32ToInt64(MemorySegment data, long n) {
    for (long j = n - 1; j >= 0; j--) {
      int v = data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, j);
      data.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, j, v);
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        int ignored = (int) lib.deleteRuntime.invokeExact(runtime);
      } catch (Throwable t) {
        // Nothing to do: the runtime is gone either way.
      }
      arena.close();
    }
  }
}
