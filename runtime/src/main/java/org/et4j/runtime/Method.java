package org.et4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.devtools.EventTracer;
import org.et4j.runtime.internal.jfr.JfrEvents;
import org.et4j.runtime.kernel.ComputeThreads;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * A loaded method, ready to execute: ExecuTorch's {@code Method}. Everything was bound at load
 * (kernels, delegates, memory), so {@link #execute()} is a loop over the instructions that
 * allocates nothing in steady state.
 *
 * <p>Single-threaded: one thread at a time may set inputs, execute and read outputs. State that
 * the program keeps in mutable buffers (KV caches, counters) persists across executions. Outputs
 * are views of the method's memory that the next execution overwrites; use {@link #outputCopy}
 * to keep one. As in ExecuTorch, the memory plan may reuse a planned input's bytes for
 * intermediates once the input is no longer needed, so set the inputs again before executing
 * again. Close the method to free its memory.
 *
 * <p>Misuse across threads is caught, not undefined: a second thread that calls into a method
 * while another is inside it gets an {@link IllegalStateException}, and {@link #close()} from
 * another thread during {@link #execute()} makes that execution stop at its next instruction
 * (also with an IllegalStateException) and frees the memory once it has left.
 *
 * <p>Cancellation: an execution stops at the next instruction when its thread is interrupted
 * ({@link ErrorCode#INVALID_STATE}; the interrupt status stays set) or when the deadline given to
 * {@link #execute(Duration)} passes ({@link ErrorCode#OUT_OF_RESOURCES}). The method stays
 * usable: set the inputs and execute again. A kernel or delegate call that has started runs to
 * its end, and state kept in mutable buffers may be left half updated, as after any failed
 * execution.
 */
public final class Method implements AutoCloseable {
  /** ExecuTorch's guard against runaway control flow. */
  public static final long MAX_INSTRUCTIONS_PER_EXECUTION = 10_000_000L;

  /** One bound instruction. */
  sealed interface Step {
    record Kernel(KernelCall call, String operator, Value[] args) implements Step {}

    record Delegate(DelegateHandle handle, int index, Value[] args) implements Step {}

    record Move(int from, int to) implements Step {}

    record JumpFalse(int condition, int destination) implements Step {}

    record Free(int value) implements Step {}
  }

  private final Program program;
  private final MethodMeta meta;
  private final Arena arena;
  private final Value[] values;
  private final int[] inputs;
  private final int[] outputs;
  private final Step[][] chains;
  private final DelegateHandle[] delegates;
  private final Map<String, TensorImpl> attributes;
  private final Value[] serializedInputs;
  private final boolean[] inputSet;
  private final Scratch scratch;
  private final int threads;
  private EventTracer tracer;
  private TracedExecution traced;

  /** {@link #IDLE}, {@link #BUSY} (a thread is inside), {@link #CLOSE_PENDING} or {@link #CLOSED}. */
  private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();

  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSE_PENDING = 2;
  private static final int CLOSED = 3;

  /** No deadline: {@link System#nanoTime()} never gets there in a JVM's life. */
  private static final long NO_DEADLINE = Long.MAX_VALUE;

  Method(
      Program program,
      MethodMeta meta,
      Arena arena,
      Value[] values,
      int[] inputs,
      int[] outputs,
      Step[][] chains,
      DelegateHandle[] delegates,
      Map<String, TensorImpl> attributes,
      Value[] serializedInputs,
      long maxPlannedBytes,
      int threads) {
    this.program = program;
    this.scratch = new Scratch(maxPlannedBytes);
    this.threads = threads;
    this.meta = meta;
    this.arena = arena;
    this.values = values;
    this.inputs = inputs;
    this.outputs = outputs;
    this.chains = chains;
    this.delegates = delegates;
    this.attributes = attributes;
    this.serializedInputs = serializedInputs;
    this.inputSet = new boolean[inputs.length];
  }

  /**
   * The method's name in its program.
   *
   * @return the name, as in {@link Program#methodNames()}
   */
  public String name() {
    return meta.name();
  }

  /**
   * What the program records about this method: inputs, outputs, memory plan, operators, delegates.
   *
   * @return the metadata, immutable
   */
  public MethodMeta meta() {
    return meta;
  }

  /**
   * How many inputs {@link #setInput} takes.
   *
   * @return the number of inputs
   */
  public int inputCount() {
    return inputs.length;
  }

  /**
   * How many outputs {@link #output(int)} returns.
   *
   * @return the number of outputs
   */
  public int outputCount() {
    return outputs.length;
  }

  private void checkOpen() {
    if (state.get() >= CLOSE_PENDING) {
      throw new IllegalStateException("method '" + name() + "' is closed");
    }
  }

  /** Claims the method for one call; a closed method or one busy on another thread is misuse. */
  private void enter() {
    int s = state.compareAndExchange(IDLE, BUSY);
    if (s != IDLE) {
      throw new IllegalStateException(
          s == BUSY
              ? "method '" + name() + "' is in use by another thread (a Method is single-threaded)"
              : "method '" + name() + "' is closed");
    }
  }

  /** Ends a call; frees the memory if {@link #close()} came from another thread meanwhile. */
  private void exit() {
    if (!state.compareAndSet(BUSY, IDLE)) {
      free();
    }
  }

  private void checkInputIndex(int i) {
    if (i < 0 || i >= inputs.length) {
      throw new IllegalArgumentException(
          "input index " + i + " out of range: method '" + name() + "' has " + inputs.length + " inputs");
    }
  }

  /**
   * Sets every input, in order.
   *
   * @param values one value per input, in order
   * @throws IllegalArgumentException when the count differs from {@link #inputCount()}, or as {@link #setInput}
   * @throws ExecuTorchException as {@link #setInput}
   */
  public void setInputs(EValue... values) {
    checkOpen();
    if (values.length != inputs.length) {
      throw new IllegalArgumentException(
          "method '" + name() + "' takes " + inputs.length + " inputs, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      setInput(i, values[i]);
    }
  }

  /**
   * Sets input {@code i}, with ExecuTorch's rules: the kind of value must match the program; a
   * tensor must have the program's dtype, is resized (a static tensor only to its own shape, a
   * dynamic-bound one within its bound), then copied into planned memory, or shared when the
   * program did not plan the input; an int, bool, double or string input must equal the value
   * the program was exported with.
   *
   * @throws IllegalArgumentException for an index out of range or a null value
   * @throws ExecuTorchException InvalidArgument for a kind or dtype mismatch, NotSupported for a
   *     shape the program cannot take
   * @param i the input's index, from 0
   * @param value the value; a tensor's memory is shared or copied as described above
   */
  public void setInput(int i, EValue value) {
    enter();
    try {
      setInputClaimed(i, value);
    } finally {
      exit();
    }
  }

  private void setInputClaimed(int i, EValue value) {
    checkInputIndex(i);
    Objects.requireNonNull(value, "value");
    Value slot = values[inputs[i]];
    switch (slot.tag()) {
      case TENSOR -> {
        if (!(value instanceof EValue.TensorValue(Tensor t))) {
          throw mismatch(inputWhere(i), "a tensor", value);
        }
        TensorImpl impl = slot.toTensor();
        if (t.dtype() != impl.dtype()) {
          throw ExecuTorchException.invalidArgument(
              inputWhere(i) + " expects dtype " + impl.dtype().displayName() + " but got " + t.dtype().displayName());
        }
        // Setting an input of the shape it already has is the steady state of a static-shape
        // model: it must not allocate (no shape copy, no sizes array, no read-only view).
        boolean sameShape = t.dim() == impl.dim();
        for (int d = 0; d < t.dim(); d++) {
          long size = t.sizeAt(d);
          if (size > Integer.MAX_VALUE) {
            throw ExecuTorchException.invalidArgument(inputWhere(i) + ": size " + size + " is too large");
          }
          sameShape &= d < impl.dim() && size == impl.size(d);
        }
        if (t.dim() != impl.dim()) {
          throw new ExecuTorchException(
              ErrorCode.NOT_SUPPORTED,
              inputWhere(i) + " expects rank " + impl.dim() + " (" + impl.describe() + ") but got " + t.describe());
        }
        if (!sameShape) {
          long[] shape = t.shape();
          int[] sizes = new int[shape.length];
          for (int d = 0; d < shape.length; d++) {
            sizes[d] = (int) shape[d];
          }
          impl.resize(sizes);
        }
        // Copied into planned memory (read from the caller's segment directly: a read-only view
        // would be one more object per call); otherwise the caller's data is shared, read-only,
        // as ExecuTorch does for inputs that are not memory-planned. That includes a constant of
        // the file named as an input: its data is a read-only view of the program, which must
        // never be written.
        MemorySegment src = t.segment();
        if (impl.hasData() && !isUnplannedInput(impl) && !impl.data().isReadOnly()
            && impl.data().byteSize() >= src.byteSize()) {
          copyInto(impl, src);
        } else {
          if (!impl.isContiguous()) {
            throw new ExecuTorchException(
                ErrorCode.NOT_SUPPORTED, inputWhere(i) + ": an unplanned input with a non-contiguous dim order is not supported");
          }
          impl.setData(t.data());
        }
      }
      case INT -> {
        if (!(value instanceof EValue.Int(long v)) || v != serializedInputs[i].toInt()) {
          throw constantMismatch(inputWhere(i), value, serializedInputs[i]);
        }
      }
      case BOOL -> {
        if (!(value instanceof EValue.Bool(boolean v)) || v != serializedInputs[i].toBool()) {
          throw constantMismatch(inputWhere(i), value, serializedInputs[i]);
        }
      }
      case DOUBLE -> {
        double expected = serializedInputs[i].toDouble();
        if (!(value instanceof EValue.Double(double v))
            || !(Math.abs(v - expected) <= 1e-4 + 1e-5 * Math.abs(expected) || v == expected)) {
          throw constantMismatch(inputWhere(i), value, serializedInputs[i]);
        }
      }
      case STRING -> {
        if (!(value instanceof EValue.Str(String v)) || !v.equals(serializedInputs[i].toStringValue())) {
          throw constantMismatch(inputWhere(i), value, serializedInputs[i]);
        }
      }
      case NONE -> {
        if (!(value instanceof EValue.None)) {
          throw mismatch(inputWhere(i), "None", value);
        }
      }
      default ->
          throw new ExecuTorchException(
              ErrorCode.NOT_SUPPORTED, inputWhere(i) + ": setting a " + slot.tag() + " input is not supported");
    }
    inputSet[i] = true;
  }

  /** Where an input error happened, for its message (built only when one is thrown). */
  private String inputWhere(int i) {
    return "method '" + name() + "' input " + i;
  }

  /** True for an input tensor the program left unplanned: its memory is the caller's. */
  private boolean isUnplannedInput(TensorImpl impl) {
    return impl.capacityBytes() < 0;
  }

  /** Copies contiguous (row-major) bytes into a tensor stored in its own dim order. */
  private static void copyInto(TensorImpl dst, MemorySegment src) {
    if (dst.isContiguous()) {
      MemorySegment.copy(src, 0, dst.data(), 0, src.byteSize());
      return;
    }
    stridedCopy(dst, src, true);
  }

  /**
   * Walks a tensor's elements in row-major order and copies each between the tensor's storage
   * (at its dim-order strides) and a row-major buffer: into the tensor when {@code intoTensor}.
   */
  private static void stridedCopy(TensorImpl t, MemorySegment rowMajor, boolean intoTensor) {
    int rank = t.dim();
    int es = t.dtype().elementSize();
    long n = t.numel();
    int[] idx = new int[rank];
    MemorySegment storage = t.data();
    for (long linear = 0; linear < n; linear++) {
      long off = 0;
      for (int d = 0; d < rank; d++) {
        off += idx[d] * t.stride(d);
      }
      if (intoTensor) {
        MemorySegment.copy(rowMajor, linear * es, storage, off * es, es);
      } else {
        MemorySegment.copy(storage, off * es, rowMajor, linear * es, es);
      }
      for (int d = rank - 1; d >= 0; d--) {
        if (++idx[d] < t.size(d)) {
          break;
        }
        idx[d] = 0;
      }
    }
  }

  private static ExecuTorchException mismatch(String where, String expected, EValue got) {
    return ExecuTorchException.invalidArgument(where + " expects " + expected + " but got " + got);
  }

  private static ExecuTorchException constantMismatch(String where, EValue got, Value expected) {
    return ExecuTorchException.invalidArgument(
        where + " is a constant of the exported program: it must be " + expected + ", got " + got);
  }

  /**
   * Attaches an event tracer (ExecuTorch's {@code EventTracer}) that sees every following
   * execution, or detaches it with null. Without one, {@link #execute()} reads no clock and
   * allocates nothing for tracing.
   *
   * @param tracer the tracer, called on the executing thread; null to detach
   */
  public void setEventTracer(EventTracer tracer) {
    checkOpen();
    this.tracer = tracer;
  }

  /**
   * The attached event tracer, or null.
   *
   * @return the tracer, or null
   */
  public EventTracer eventTracer() {
    return tracer;
  }

  /**
   * Runs the method: the instructions of each chain in order, with ExecuTorch's semantics for
   * kernel and delegate calls, moves, conditional jumps and frees.
   *
   * @throws ExecuTorchException InvalidArgument when an input was never set; InvalidProgram when
   *     the instruction budget ({@value #MAX_INSTRUCTIONS_PER_EXECUTION}, where a jump on a tensor
   *     condition also costs its element count) runs out; a kernel's or
   *     delegate's error, with the method, instruction index and operator named; InvalidState
   *     when the thread is interrupted (see the class comment)
   * @throws IllegalStateException when the method is closed, is in use by another thread, or is
   *     closed by another thread during the execution
   */
  public void execute() {
    enter();
    try {
      run(NO_DEADLINE);
    } finally {
      exit();
    }
  }

  /**
   * {@link #execute()} with a deadline: the execution stops at the first instruction that starts
   * after {@code timeout} has passed.
   *
   * @param timeout how long the execution may take; zero or negative stops before the first
   *     instruction
   * @throws ExecuTorchException OutOfResources when the deadline passed, and as {@link #execute()}
   */
  public void execute(java.time.Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    long now = System.nanoTime();
    long nanos = timeout.isNegative() ? 0 : timeout.compareTo(java.time.Duration.ofDays(365 * 100)) > 0
        ? Long.MAX_VALUE / 4 : timeout.toNanos();
    enter();
    try {
      run(now + nanos);
    } finally {
      exit();
    }
  }

  private void run(long deadline) {
    for (int i = 0; i < inputSet.length; i++) {
      if (!inputSet[i]) {
        throw ExecuTorchException.invalidArgument("method '" + name() + "' input " + i + " has not been set");
      }
    }
    ComputeThreads.use(threads);
    // Observed executions run a loop of their own (TracedExecution), so this one stays free of
    // clock reads and tracer calls.
    boolean jfr = JfrEvents.enabled();
    if (tracer != null || jfr) {
      if (traced == null) {
        traced = new TracedExecution(this, values, outputs, chains, scratch);
      }
      traced.run(tracer, jfr, deadline);
      return;
    }
    long budget = MAX_INSTRUCTIONS_PER_EXECUTION;
    for (int c = 0; c < chains.length; c++) {
      Step[] steps = chains[c];
      int pc = 0;
      try {
        while (pc < steps.length) {
          if (--budget < 0) {
            throw ExecuTorchException.invalidProgram(
                "instruction execution limit (" + MAX_INSTRUCTIONS_PER_EXECUTION + ") exceeded; possible infinite loop");
          }
          checkStop(deadline);
          switch (steps[pc]) {
            case Step.Kernel k -> {
              k.call().execute(scratch);
              pc++;
            }
            case Step.Delegate d -> {
              d.handle().execute(d.args());
              pc++;
            }
            case Step.Move m -> {
              values[m.to()].moveFrom(values[m.from()]);
              pc++;
            }
            case Step.JumpFalse j -> {
              Value condition = values[j.condition()];
              if (condition.isTensor()) {
                // Reading a tensor condition costs one unit per element, so that a loop over a
                // large one cannot stretch the instruction budget into a hang.
                budget -= condition.toTensor().numel();
              }
              pc = isTrue(condition) ? pc + 1 : j.destination();
            }
            case Step.Free f -> {
              values[f.value()].toTensor().setData(null);
              pc++;
            }
          }
        }
      } catch (RuntimeException e) {
        throw failure(c, pc, steps, e);
      }
    }
  }

  /**
   * Cancellation, checked before each instruction by both loops (this one and {@link
   * TracedExecution}'s): an interrupt flag and a volatile read; the clock only with a deadline.
   */
  void checkStop(long deadline) {
    if (Thread.currentThread().isInterrupted() || state.get() != BUSY
        || (deadline != NO_DEADLINE && System.nanoTime() - deadline > 0)) {
      stop(deadline);
    }
  }

  /** What an instruction's failure leaves either loop with: the error, with where it happened. */
  RuntimeException failure(int c, int pc, Step[] steps, RuntimeException e) {
    if (e instanceof ExecuTorchException x) {
      return new ExecuTorchException(x.errorCode(), describeStep(c, pc, steps) + ": " + x.detail(), x);
    }
    if (state.get() != BUSY) {
      // closed by another thread: the memory may be gone; say so, not what it broke
      return new IllegalStateException(
          "method '" + name() + "' was closed by another thread during execute (" + describeStep(c, pc, steps) + ")");
    }
    String constant = constantWrittenBy(steps, pc, e);
    if (constant != null) {
      return ExecuTorchException.invalidProgram(
          describeStep(c, pc, steps) + ": writes into " + constant + ", a constant of the program (read-only)");
    }
    // Last resort: a kernel bug; the cause keeps its stack trace.
    return new ExecuTorchException(ErrorCode.INTERNAL, describeStep(c, pc, steps) + ": " + e, e);
  }

  /**
   * When {@code e} is the memory API refusing a write to read-only memory, and the instruction
   * names a tensor whose data is read-only (a constant viewed in the mapped file), that tensor;
   * else null. Kernels cannot tell which of their slots a hostile program pointed at a
   * constant, so the write itself is what detects it (ExecuTorch's runtime would fault on the
   * read-only mapping).
   */
  private String constantWrittenBy(Step[] steps, int pc, RuntimeException e) {
    if (!(e instanceof IllegalArgumentException) || e.getMessage() == null || !e.getMessage().contains("read-only")
        || pc >= steps.length) {
      return null;
    }
    Value[] args =
        switch (steps[pc]) {
          case Step.Kernel k -> k.args();
          case Step.Delegate d -> d.args();
          default -> new Value[0];
        };
    // From the end: outs come after the inputs, which may be constants legitimately.
    for (int i = args.length - 1; i >= 0; i--) {
      if (args[i].isTensor() && args[i].toTensor().hasData() && args[i].toTensor().data().isReadOnly()) {
        return "argument " + i + " " + args[i].toTensor().describe();
      }
    }
    return null;
  }

  /** Why the loop must stop before the next instruction; the caller adds where. */
  private void stop(long deadline) {
    if (state.get() != BUSY) {
      throw new IllegalStateException("method '" + name() + "' was closed by another thread during execute");
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new ExecuTorchException(ErrorCode.INVALID_STATE, "execution interrupted (the thread's interrupt status is set)");
    }
    throw new ExecuTorchException(
        ErrorCode.OUT_OF_RESOURCES,
        "execution deadline passed " + (System.nanoTime() - deadline) / 1_000 + " us ago");
  }

  String describeStep(int chain, int pc, Step[] steps) {
    String base = "method '" + name() + "'" + (chains.length > 1 ? " chain " + chain : "") + " instruction " + pc;
    if (pc >= steps.length) {
      return base;
    }
    return switch (steps[pc]) {
      case Step.Kernel k -> base + " (" + k.operator() + " with " + MethodLoader.describeArgs(k.args()) + ")";
      case Step.Delegate d -> base + " (delegate " + d.index() + ")";
      case Step.Move m -> base + " (move " + m.from() + " -> " + m.to() + ")";
      case Step.JumpFalse j -> base + " (jump_false on value " + j.condition() + ")";
      case Step.Free f -> base + " (free value " + f.value() + ")";
    };
  }

  /** A JumpFalseCall condition: a Bool, or a bool tensor that is true only if all elements are. */
  static boolean isTrue(Value v) {
    if (v.isBool()) {
      return v.toBool();
    }
    if (v.isTensor()) {
      TensorImpl t = v.toTensor();
      if (t.dtype() != ScalarType.BOOL) {
        throw ExecuTorchException.invalidArgument("jump condition tensor must be bool, got " + t.describe());
      }
      MemorySegment d = t.data();
      for (long i = 0; i < t.numel(); i++) {
        if (d.get(ValueLayout.JAVA_BYTE, i) == 0) {
          return false;
        }
      }
      return true;
    }
    throw ExecuTorchException.invalidArgument("jump condition must be a Bool or a bool tensor, got " + v);
  }

  /**
   * Output {@code i}: a view for tensors, overwritten by the next execution.
   *
   * @param i the output's index, from 0
   * @return the value; a tensor is a view of the method's memory
   * @throws IllegalArgumentException for an index out of range
   */
  public EValue output(int i) {
    enter();
    try {
      return outputClaimed(i);
    } finally {
      exit();
    }
  }

  private EValue outputClaimed(int i) {
    if (i < 0 || i >= outputs.length) {
      throw new IllegalArgumentException(
          "output index " + i + " out of range: method '" + name() + "' has " + outputs.length + " outputs");
    }
    return toApi(values[outputs[i]], new Views("method '" + name() + "' output " + i));
  }

  /**
   * Copies tensor output {@code i} into {@code into}, a tensor the caller owns (made with {@code
   * Tensor.wrap} over a writable array, buffer or segment, or with {@code Tensor.zeros}), and
   * returns it. Allocates nothing, so a serving loop that reuses its input and output tensors
   * allocates nothing per call.
   *
   * @throws IllegalArgumentException for an index out of range, an output that is not a tensor,
   *     or an {@code into} whose dtype or shape differs from the output's (the message gives it),
   *     or that is read-only or a view of a method's memory
   * @param i the output's index, from 0
   * @param into the caller's tensor to fill
   * @return {@code into}
   */
  public Tensor output(int i, Tensor into) {
    checkOpen();
    Objects.requireNonNull(into, "into");
    if (i < 0 || i >= outputs.length) {
      throw new IllegalArgumentException(
          "output index " + i + " out of range: method '" + name() + "' has " + outputs.length + " outputs");
    }
    Value v = values[outputs[i]];
    if (!v.isTensor()) {
      throw new IllegalArgumentException(
          "method '" + name() + "' output " + i + " is " + v.tag() + ", not a tensor: read it with output(" + i + ")");
    }
    TensorImpl t = v.toTensor();
    boolean sameShape = t.dtype() == into.dtype() && t.dim() == into.dim();
    for (int d = 0; sameShape && d < t.dim(); d++) {
      sameShape = t.size(d) == into.shapeAt(d);
    }
    if (!sameShape) {
      throw new IllegalArgumentException(
          "method '" + name() + "' output " + i + " is " + t.describe() + ", into is " + into.describe());
    }
    MemorySegment dst = into.storage();
    if (into.isView() || dst.isReadOnly()) {
      throw new IllegalArgumentException(
          "method '" + name() + "' output " + i + ": into must be writable memory the caller owns, got " + into);
    }
    if (t.isContiguous()) {
      MemorySegment.copy(t.data(), 0, dst, 0, t.nbytes());
    } else {
      stridedCopy(t, dst, false);
    }
    return into;
  }

  /**
   * Input {@code i} as the method holds it now, a view: for an input the program did not plan,
   * the caller's own memory; for a planned one, the method's copy. ExecuTorch's {@code
   * Method::get_input}.
   *
   * @throws IllegalArgumentException for an index out of range or an input that is not a tensor
   * @throws IllegalStateException when the input has not been set
   * @param i the input's index, from 0
   * @return a view of the input's current data
   */
  public Tensor input(int i) {
    checkOpen();
    checkInputIndex(i);
    Value v = values[inputs[i]];
    if (!v.isTensor()) {
      throw new IllegalArgumentException("method '" + name() + "' input " + i + " is " + v.tag() + ", not a tensor");
    }
    if (!inputSet[i]) {
      throw new IllegalStateException("method '" + name() + "' input " + i + " has not been set");
    }
    return tensorView(v.toTensor());
  }

  /**
   * Output {@code i}, with tensors copied so that they survive the next execution.
   *
   * @param i the output's index, from 0
   * @return the value, owning its tensors' data
   * @throws IllegalArgumentException for an index out of range
   */
  public EValue outputCopy(int i) {
    enter();
    try {
      EValue v = outputClaimed(i);
      return v instanceof EValue.TensorValue(Tensor t) ? EValue.from(t.copy()) : v;
    } finally {
      exit();
    }
  }

  /**
   * All outputs, as views.
   *
   * @return every output, in order; tensors are views overwritten by the next execution
   */
  public List<EValue> outputs() {
    enter();
    try {
      return outputsClaimed();
    } finally {
      exit();
    }
  }

  private List<EValue> outputsClaimed() {
    Views views = new Views("method '" + name() + "' outputs");
    List<EValue> out = new ArrayList<>(outputs.length);
    for (int i = 0; i < outputs.length; i++) {
      out.add(toApi(values[outputs[i]], views));
    }
    return out;
  }

  /**
   * The views that one call hands out. Outputs and list items may name one tensor many times,
   * or many tensors over the same bytes: each tensor gets one view, and as the row-major copies
   * of non-contiguous tensors can only add up to more than the method's memory and its files
   * hold when they overlap, such outputs are refused rather than copied (a small file could
   * otherwise make one call copy without end).
   */
  private final class Views {
    private final String where;
    private final Map<TensorImpl, Tensor> made = new IdentityHashMap<>();
    private final long limit = meta.plannedBytes() + program.dataBytes();
    private long copied;

    Views(String where) {
      this.where = where;
    }

    Tensor of(TensorImpl t) {
      Tensor view = made.get(t);
      if (view == null) {
        if (!t.isContiguous()) {
          copied += t.nbytes();
          if (copied > limit) {
            throw new ExecuTorchException(
                ErrorCode.NOT_SUPPORTED,
                where + ": its non-contiguous tensors overlap; their row-major copies would exceed the " + limit
                    + " bytes the method and its files hold");
          }
        }
        view = tensorView(t);
        made.put(t, view);
      }
      return view;
    }
  }

  /**
   * A named tensor of the method (a mutable buffer such as a KV cache, when the program recorded
   * its name), as a view: ExecuTorch's {@code Method::get_attribute}.
   *
   * @param fullyQualifiedName the tensor's name as the program records it
   * @return a view of the tensor's current data
   * @throws IllegalArgumentException when the method has no attribute of that name
   */
  public Tensor attribute(String fullyQualifiedName) {
    checkOpen();
    TensorImpl t = attributes.get(fullyQualifiedName);
    if (t == null) {
      throw new IllegalArgumentException(
          "method '" + name() + "' has no named tensor '" + fullyQualifiedName + "'; it has " + attributes.keySet());
    }
    return tensorView(t);
  }

  private static Tensor tensorView(TensorImpl t) {
    long[] shape = new long[t.dim()];
    for (int d = 0; d < shape.length; d++) {
      shape[d] = t.size(d);
    }
    MemorySegment data = t.data().asSlice(0, t.nbytes());
    if (!t.isContiguous()) {
      // Present row-major data to the caller, as ExecuTorch's Python bindings do.
      MemorySegment rowMajor = Arena.ofAuto().allocate(Math.max(1, t.nbytes()), 64).asSlice(0, t.nbytes());
      stridedCopy(t, rowMajor, false);
      return Tensor.view(t.dtype(), shape, rowMajor);
    }
    return Tensor.view(t.dtype(), shape, data);
  }



  private static EValue toApi(Value v, Views views) {
    return switch (v.tag()) {
      case NONE -> EValue.none();
      case INT -> EValue.from(v.toInt());
      case DOUBLE -> EValue.from(v.toDouble());
      case BOOL -> EValue.from(v.toBool());
      case STRING -> EValue.from(v.toStringValue());
      case TENSOR -> EValue.from(views.of(v.toTensor()));
      case INT_LIST -> new EValue.IntList(Arrays.stream(v.toIntList()).boxed().toList());
      case DOUBLE_LIST -> new EValue.DoubleList(Arrays.stream(v.toDoubleList()).boxed().toList());
      case BOOL_LIST -> {
        List<Boolean> l = new ArrayList<>();
        for (boolean b : v.toBoolList()) {
          l.add(b);
        }
        yield new EValue.BoolList(l);
      }
      case TENSOR_LIST, OPTIONAL_TENSOR_LIST -> {
        List<Tensor> l = new ArrayList<>();
        for (TensorImpl t : v.toTensorList()) {
          l.add(t == null ? null : views.of(t));
        }
        yield new EValue.TensorList(l);
      }
    };
  }

  /**
   * The program this method came from.
   *
   * @return the program, which this method needs open
   */
  public Program program() {
    return program;
  }

  /**
   * Frees the method's memory and delegate state. Idempotent, and safe from any thread: during an
   * execution on another thread, that execution stops at its next instruction and the memory is
   * freed when it returns.
   */
  @Override
  public void close() {
    while (true) {
      int s = state.get();
      if (s == IDLE && state.compareAndSet(IDLE, BUSY)) {
        free();
        return;
      }
      if (s == BUSY && state.compareAndSet(BUSY, CLOSE_PENDING)) {
        return;
      }
      if (s >= CLOSE_PENDING) {
        return;
      }
    }
  }

  /**
   * Whether {@link #close()} was called (the memory may still be in use by an execution that
   * was running then; it is freed when that execution returns).
   *
   * @return true once {@link #close()} was called, from any thread
   */
  public boolean isClosed() {
    return state.get() >= CLOSE_PENDING;
  }

  /** Called by the one thread that holds the method (BUSY or CLOSE_PENDING). */
  private void free() {
    state.set(CLOSED);
    try {
      for (DelegateHandle h : delegates) {
        h.close();
      }
    } finally {
      arena.close();
      program.methodClosed();
    }
  }

  /** Kernel scratch memory, grown on demand and reused across instructions. */
  private static final class Scratch implements KernelContext {
    private final Arena arena = Arena.ofAuto();
    private final long limit;
    private MemorySegment buffer = MemorySegment.NULL;

    Scratch(long limit) {
      this.limit = limit;
    }

    /**
     * Kernels size scratch from shapes and arguments, which a hostile program controls: a
     * request beyond the planned-memory cap ({@link LoadOptions#maxPlannedMemory()}), or one the
     * machine cannot meet, fails as MemoryAllocationFailed instead of an OutOfMemoryError.
     */
    @Override
    public MemorySegment scratch(long byteSize) {
      if (buffer.byteSize() < byteSize) {
        if (byteSize > limit) {
          throw new ExecuTorchException(
              ErrorCode.MEMORY_ALLOCATION_FAILED,
              "kernel scratch of " + byteSize + " bytes exceeds the limit of " + limit
                  + " bytes (raise LoadOptions.maxPlannedMemory, the CLI's --max-planned-memory, or"
                  + " -Det4j.maxPlannedMemory)");
        }
        try {
          buffer = arena.allocate(Math.min(limit, Math.max(byteSize, 2 * buffer.byteSize())), 64);
        } catch (OutOfMemoryError e) {
          throw new ExecuTorchException(
              ErrorCode.MEMORY_ALLOCATION_FAILED, "cannot allocate " + byteSize + " bytes of kernel scratch");
        }
      }
      if (byteSize < 0) {
        throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, "negative kernel scratch size " + byteSize);
      }
      // The whole buffer, not a slice of byteSize: a slice is a new segment object per call (40
      // bytes per convolution in steady state), and the contract is "at least byteSize".
      return buffer;
    }
  }
}
