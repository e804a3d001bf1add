package org.et4j.backends.xnnpack;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.et4j.backends.xnnpack.ops.XTensor;
import org.et4j.backends.xnnpack.ops.XnnOp;
import org.et4j.backends.xnnpack.ops.XnnOps;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.delegate.DelegateTracer;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * One initialised XNNPACK delegate: ExecuTorch's {@code XNNExecutor} over et4j's own operators.
 * Built once at method load (values, operators with their packed weights, an arena planned by
 * liveness at the serialized upper-bound shapes); each {@link #execute} binds the DelegateCall's
 * tensors by external id, re-propagates shapes only when an input shape changed, resizes the
 * outputs before computing, runs the operators in order and widens int32 results that the
 * program declares int64. Nothing is allocated per execution unless a dynamic input grows past
 * what the arena was planned for.
 *
 * <p>Not re-entrant, like ExecuTorch's executor: one Method (so one thread) at a time.
 */
final class XnnRuntime implements DelegateHandle {
  private final String where;
  private final XnnGraph graph;
  private final XTensor[] tensors;
  private final XTensor[] inputs;
  private final XTensor[] outputs;
  private final XnnOp[] ops;
  private final int[] internal;
  private final int[] first;
  private final int[] last;
  private final int[][] lastInputDims;
  private final int[][] outputSizes;
  private Arena arena;
  private long[] capacity;
  private boolean shapesKnown;
  /**
   * Time per operator, when {@code -Det4j.xnnpack.profile=true}: a table of the slowest nodes is
   * printed to stderr when the delegate closes. Under an event tracer (ETDump, {@code et4j profile})
   * every node is reported instead, with no warm-up skipped.
   */
  private final long[] opNanos;
  private long profiledRuns;
  /** Each node's profile event name under an event tracer, made on the first traced run. */
  private String[] profileNames;
  private long warmupRuns;
  /** Runs left out of the profile: the first ones measure the JIT, not the kernels. */
  private static final int PROFILE_WARMUP = 20;
  private boolean closed;
  /** Sees every node's outputs after the node ran; null except under a comparison tool ({@link XnnpackDebug}). */
  XnnpackDebug.NodeObserver observer;

  private XnnRuntime(String where, XnnGraph graph, XTensor[] tensors, XTensor[] inputs, XTensor[] outputs,
      XnnOp[] ops, int[] internal, int[] first, int[] last) {
    this.where = where;
    this.graph = graph;
    this.tensors = tensors;
    this.inputs = inputs;
    this.outputs = outputs;
    this.ops = ops;
    this.internal = internal;
    this.first = first;
    this.last = last;
    this.lastInputDims = new int[inputs.length][];
    this.outputSizes = new int[outputs.length][];
    for (int i = 0; i < outputs.length; i++) {
      outputSizes[i] = new int[outputs[i].rank()];
    }
    this.opNanos = Boolean.getBoolean("et4j.xnnpack.profile") ? new long[ops.length] : null;
  }

  XnnGraph graph() {
    return graph;
  }

  /** Builds the runtime for a decoded graph: XNNCompiler's define-nodes and create-runtime steps. */
  static XnnRuntime compile(XnnGraph g) {
    String where = g.where;
    Map<Long, XTensor> byId = new HashMap<>();
    XTensor[] tensors = new XTensor[g.values.size()];
    Map<XTensor, Integer> index = new HashMap<>();
    List<XTensor> ins = new ArrayList<>();
    List<XTensor> outs = new ArrayList<>();
    for (int i = 0; i < tensors.length; i++) {
      XnnValue v = g.values.get(i);
      tensors[i] = new XTensor(v);
      byId.put(Integer.toUnsignedLong(v.id()), tensors[i]);
      index.put(tensors[i], i);
      if (v.externalInput()) {
        ins.add(tensors[i]);
      }
      if (v.externalOutput()) {
        outs.add(tensors[i]);
      }
    }
    ins.sort((a, b) -> Integer.compare(a.def.externalIndex(), b.def.externalIndex()));
    outs.sort((a, b) -> Integer.compare(a.def.externalIndex(), b.def.externalIndex()));
    Set<Integer> externalIds = new HashSet<>();
    for (XTensor t : ins) {
      if (!externalIds.add(t.def.externalIndex())) {
        throw XnnGraph.invalid(where + ": external id " + t.def.externalIndex() + " is used by two values");
      }
    }
    for (XTensor t : outs) {
      if (!t.def.externalInput() && !externalIds.add(t.def.externalIndex())) {
        throw XnnGraph.invalid(where + ": external id " + t.def.externalIndex() + " is used by two values");
      }
    }

    XnnOp[] ops = new XnnOp[g.nodes.size()];
    int[] first = new int[tensors.length];
    int[] last = new int[tensors.length];
    Arrays.fill(first, -1);
    Arrays.fill(last, -1);
    boolean[] defined = new boolean[tensors.length];
    for (int i = 0; i < tensors.length; i++) {
      defined[i] = tensors[i].isConstant() || tensors[i].def.externalInput();
    }
    for (int n = 0; n < ops.length; n++) {
      XnnGraph.Node node = g.nodes.get(n);
      XnnOp op = XnnOps.create(node, g, byId);
      for (XTensor in : op.inputs()) {
        int vi = index.get(in);
        if (!defined[vi]) {
          throw XnnGraph.invalid(where + " " + node.where() + " reads " + in.def.describe()
              + ", which no earlier node and no graph input defines");
        }
        last[vi] = n;
      }
      for (XTensor out : op.outputs()) {
        int vi = index.get(out);
        if (out.isConstant() || out.def.externalInput()) {
          throw XnnGraph.invalid(where + " " + node.where() + " writes " + out.def.describe()
              + ", which is a constant or a graph input");
        }
        if (defined[vi]) {
          throw XnnGraph.invalid(where + " " + node.where() + " writes " + out.def.describe()
              + ", which an earlier node already wrote");
        }
        defined[vi] = true;
        first[vi] = n;
        last[vi] = Math.max(last[vi], n);
      }
      ops[n] = op;
    }
    for (XTensor out : outs) {
      if (!defined[index.get(out)]) {
        throw XnnGraph.invalid(where + ": graph output " + out.def.describe() + " is written by no node");
      }
    }
    List<Integer> internalList = new ArrayList<>();
    for (int i = 0; i < tensors.length; i++) {
      XnnValue v = tensors[i].def;
      if (!v.isConstant() && !v.externalInput() && !v.externalOutput() && first[i] >= 0) {
        internalList.add(i);
      }
    }
    int[] internal = internalList.stream().mapToInt(Integer::intValue).toArray();
    XnnRuntime rt = new XnnRuntime(where, g, tensors, ins.toArray(XTensor[]::new), outs.toArray(XTensor[]::new),
        ops, internal, first, last);
    // Shapes at the serialized upper bounds: every node must accept them, and they size the arena.
    try {
      rt.reshapeAll();
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(ErrorCode.INVALID_PROGRAM,
          "shapes do not propagate at the serialized sizes: " + e.detail(), e);
    }
    rt.plan();
    return rt;
  }

  private void reshapeAll() {
    for (XnnOp op : ops) {
      op.reshape();
      for (XTensor out : op.outputs()) {
        checkDims(op, out);
      }
    }
  }

  /**
   * A node's output dims, as its reshape set them, must describe a tensor: operators compute them
   * from untrusted parameters (a reshape's new_shape, a pad's paddings) in int arithmetic, and the
   * arena, the strided copies and the next node's loops all trust their product. So the product
   * must not overflow and stays within the element bound the decoder puts on serialized values.
   */
  private void checkDims(XnnOp op, XTensor out) {
    long numel = 1;
    boolean overflow = false;
    for (int d : out.dims) {
      if (d < 0) {
        overflow = true;
        break;
      }
      if (d != 0 && numel > XnnGraph.MAX_ELEMENTS / d) {
        overflow = true;
      }
      numel = overflow ? numel : numel * d;
    }
    if (overflow || numel > XnnGraph.MAX_ELEMENTS) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + " " + op.node().where() + ": output "
          + out.describe() + " has too many elements (at most " + XnnGraph.MAX_ELEMENTS + ")");
    }
  }

  /** Plans (or re-plans, when a dynamic shape outgrew it) the arena of the internal values. */
  private void plan() {
    long[] need = new long[tensors.length];
    List<XnnArenaPlan.Interval> intervals = new ArrayList<>();
    for (int i : internal) {
      XTensor t = tensors[i];
      long serialized = t.type.storageBytes(t.def.numel(), t.def.dims().length == 0 ? 1 : t.def.dims()[t.def.dims().length - 1]);
      long bytes = Math.max(serialized, t.byteSize());
      if (capacity != null) {
        bytes = Math.max(bytes, capacity[i]);
      }
      need[i] = bytes;
      intervals.add(new XnnArenaPlan.Interval(i, bytes, first[i], last[i]));
    }
    long[] offsets = new long[tensors.length];
    long total = XnnArenaPlan.place(intervals, offsets);
    graph.checkPlannedMemory(where + ": the graph's intermediate values", total);
    Arena old = arena;
    Arena fresh = Arena.ofShared();
    MemorySegment block = fresh.allocate(Math.max(total, 1), XnnArenaPlan.ALIGNMENT);
    for (int i : internal) {
      tensors[i].data = block.asSlice(offsets[i], need[i]);
    }
    arena = fresh;
    capacity = need;
    if (old != null) {
      old.close();
    }
  }

  @Override
  public void execute(Value[] args) {
    bind(args);
    if (observer != null) {
      for (XnnOp op : ops) {
        op.run();
        for (XTensor out : op.outputs()) {
          observer.nodeDone(op.node(), out.def, out.dims.clone(), out.data);
        }
      }
    } else if (opNanos == null || warmupRuns++ < PROFILE_WARMUP) {
      for (XnnOp op : ops) {
        op.run();
      }
    } else {
      for (int i = 0; i < ops.length; i++) {
        long t0 = System.nanoTime();
        ops[i].run();
        opNanos[i] += System.nanoTime() - t0;
      }
      profiledRuns++;
    }
    convertOutputs(args);
  }

  /**
   * Runs the delegate with one profile event per node, named as ExecuTorch's XNNPACK profiler
   * names XNNPACK's operators ({@code "Fully Connected (NC, F32) GEMM #1"}, see
   * {@link XnnProfileNames}), with each node's own start and end time.
   */
  @Override
  public void execute(Value[] args, DelegateTracer tracer) {
    bind(args);
    if (profileNames == null) {
      profileNames = XnnProfileNames.of(ops, graph);
    }
    for (int i = 0; i < ops.length; i++) {
      long t0 = System.nanoTime();
      ops[i].run();
      long t1 = System.nanoTime();
      tracer.event(profileNames[i], -1, t0, t1, null);
    }
    convertOutputs(args);
  }

  /** Binds the DelegateCall's tensors, re-propagates shapes if an input shape changed, resizes the outputs. */
  private void bind(Value[] args) {
    if (closed) {
      throw new IllegalStateException(where + ": the delegate was closed");
    }
    if (args.length < graph.numExterns) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": the DelegateCall passes " + args.length
          + " arguments but the graph has " + graph.numExterns + " external values");
    }
    boolean changed = !shapesKnown;
    for (int i = 0; i < inputs.length; i++) {
      XTensor x = inputs[i];
      TensorImpl t = tensorArg(args, x, "input");
      checkDtype(t, x, "input");
      physicalDims(t, x, "input");
      int[] prev = lastInputDims[i];
      if (prev == null || !Arrays.equals(prev, x.dims)) {
        changed = true;
        lastInputDims[i] = x.dims.clone();
      }
      x.data = t.data();
    }
    if (changed) {
      shapesKnown = false;
      reshapeAll();
      for (int i : internal) {
        if (tensors[i].byteSize() > capacity[i]) {
          plan();
          break;
        }
      }
      shapesKnown = true;
    }
    for (int i = 0; i < outputs.length; i++) {
      XTensor x = outputs[i];
      TensorImpl t = tensorArg(args, x, "output");
      checkDtype(t, x, "output");
      int[] sizes = outputSizes[i];
      if (sizes.length != t.dim()) {
        sizes = outputSizes[i] = new int[t.dim()];
      }
      int lead = x.rank() - t.dim();
      for (int d = 0; d < lead; d++) {
        if (x.dims[d] != 1) {
          throw rankMismatch(t, x, "output");
        }
      }
      for (int j = 0; j < t.dim(); j++) {
        sizes[t.dimOrder(j)] = j + lead < 0 ? 1 : x.dims[j + lead];
      }
      t.resize(sizes);
      MemorySegment data = t.data();
      if (data.byteSize() < x.byteSize()) {
        throw new ExecuTorchException(ErrorCode.INVALID_STATE, where + ": output " + x.def.externalIndex()
            + " has " + data.byteSize() + " bytes, " + x.describe() + " needs " + x.byteSize());
      }
      x.data = data;
    }
  }

  private void convertOutputs(Value[] args) {
    for (int i = 0; i < outputs.length; i++) {
      TensorImpl t = args[outputs[i].def.externalIndex()].toTensor();
      if (t.dtype() == ScalarType.LONG && outputs[i].type == XnnDatatype.INT32) {
        widenInt32ToInt64(t.data(), t.numel());
      }
    }
  }

  /**
   * The input's sizes in its physical (dim-order) order, as XNNExecutor passes them to
   * {@code xnn_reshape_external_value}. et4j's operators keep each value's rank, so a tensor whose
   * rank differs from the serialized one (a rank-0 scalar for a serialized {@code [1]}) is
   * aligned from the innermost dim with leading 1s added or dropped, which leaves its elements
   * and every broadcast unchanged; anything else is an InvalidArgument.
   */
  private void physicalDims(TensorImpl t, XTensor x, String role) {
    int lead = x.rank() - t.dim();
    for (int d = 0; d < x.rank(); d++) {
      x.dims[d] = d < lead ? 1 : t.size(t.dimOrder(d - lead));
    }
    for (int d = 0; d < -lead; d++) {
      if (t.size(t.dimOrder(d)) != 1) {
        throw rankMismatch(t, x, role);
      }
    }
  }

  private ExecuTorchException rankMismatch(TensorImpl t, XTensor x, String role) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": " + role + " " + x.def.externalIndex()
        + " is " + t.describe() + " but the graph's " + x.describe() + " has rank " + x.rank());
  }

  /** ExecuTorch's convert_outputs: int32 results to int64 in place, from the end backwards. */
  private static void widenInt32ToInt64(MemorySegment data, long n) {
    for (long j = n - 1; j >= 0; j--) {
      int v = data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, j);
      data.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, j, v);
    }
  }

  private TensorImpl tensorArg(Value[] args, XTensor x, String role) {
    Value a = args[x.def.externalIndex()];
    if (!a.isTensor()) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": expected argument "
          + x.def.externalIndex() + " (" + role + ") to be a tensor, but got " + a.tag());
    }
    return a.toTensor();
  }

  private void checkDtype(TensorImpl t, XTensor x, String role) {
    ScalarType want = x.type.boundaryDtype(t.dtype(), role.equals("output"));
    if (want != t.dtype()) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": " + role + " argument "
          + x.def.externalIndex() + " is " + t.describe() + " but the graph's " + x.describe() + " needs "
          + (want == null ? "a type that cannot cross the delegate boundary" : want.displayName()));
    }
  }

  private void printProfile() {
    Integer[] order = new Integer[ops.length];
    long total = 0;
    for (int i = 0; i < ops.length; i++) {
      order[i] = i;
      total += opNanos[i];
    }
    Arrays.sort(order, (a, b) -> Long.compare(opNanos[b], opNanos[a]));
    StringBuilder b = new StringBuilder(where + ": " + profiledRuns + " runs, " + String.format("%.3f", total / 1e6 / profiledRuns) + " ms per run\n");
    for (int j = 0; j < Math.min(25, ops.length); j++) {
      int i = order[j];
      XnnOp op = ops[i];
      b.append(String.format("  %8.3f ms %5.1f%%  node %d %s %s -> %s%n", opNanos[i] / 1e6 / profiledRuns,
          100.0 * opNanos[i] / Math.max(1, total), i, op.node().kind().schemaName(),
          op.inputs().length > 0 ? Arrays.toString(op.inputs()[0].dims) : "", Arrays.toString(op.outputs()[0].dims)));
    }
    System.err.print(b);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (opNanos != null && profiledRuns > 0) {
        printProfile();
      }
      if (arena != null) {
        arena.close();
      }
    }
  }
}
