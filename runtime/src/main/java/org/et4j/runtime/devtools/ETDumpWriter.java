package org.et4j.runtime.devtools;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * An {@link EventTracer} that records what ExecuTorch's {@code ETDumpGen}
 * ({@code devtools/etdump/etdump_flatcc.cpp}) records, so that ExecuTorch's Python
 * {@code Inspector} reads et4j's runs:
 *
 * <ul>
 *   <li>one {@link ETDump.RunData} named {@code Execute} per execution, with the bundled input
 *       index set by {@link #setBundledInputIndex};
 *   <li>per kernel call the generated kernel wrapper's {@code native_call_<op>} event (not for the
 *       prim ops, which ExecuTorch registers without one) and the interpreter's
 *       {@code OPERATOR_CALL}; per delegate call the delegate's own events, then
 *       {@code DELEGATE_CALL}; {@code JF_CALL}, {@code MOVE_CALL}, {@code FREE_CALL}; then
 *       {@code Method::execute}, all with chain index, instruction id and nanosecond times;
 *   <li>at {@link EventTracer.DebugLevel#INTERMEDIATE_OUTPUTS}, each kernel's out arguments and
 *       every delegate argument as debug events, the tensor bytes in a separate debug buffer
 *       (each at a 64-byte aligned offset, as ExecuTorch's buffer data sink writes them); at
 *       {@link EventTracer.DebugLevel#PROGRAM_OUTPUTS} and above, the outputs marked as such;
 *   <li>optionally ({@link Builder#plannedMemory}) an allocator per planned buffer with one
 *       allocation event each at the start of every run. ExecuTorch's Inspector 1.5.1 rejects
 *       runs that hold allocation events ("Unable to find populated event"), so this is off by
 *       default.
 * </ul>
 *
 * <p>Tensors are logged with their own strides and storage bytes, as ExecuTorch logs them; dtypes
 * ExecuTorch's ETDump cannot carry (bfloat16, quantized, complex) are not logged. Not thread-safe:
 * attach one writer to one method at a time.
 */
public final class ETDumpWriter implements EventTracer {
  /** ExecuTorch's {@code kUnsetChainId}, which the method-level events and outputs carry. */
  private static final int UNSET_CHAIN = -1;
  /** ExecuTorch's {@code kUnsetDebugHandle}. */
  private static final int UNSET_INSTRUCTION = 0;
  /** Alignment of each blob in the debug buffer (ExecuTorch's BufferDataSink default). */
  private static final int DEBUG_ALIGNMENT = 64;

  /**
   * Operators ExecuTorch registers by hand ({@code kernels/prim_ops/register_prim_ops.cpp}), with
   * no {@code native_call_} profile scope and no output logging, unlike the generated wrappers of
   * every other kernel ({@code codegen/gen.py}).
   */
  private static final Set<String> HAND_REGISTERED = Set.of("aten::sym_size.int", "aten::sym_numel", "aten::_local_scalar_dense");

  /** Options of a writer. */
  public static final class Builder {
    private DebugLevel debugLevel = DebugLevel.NONE;
    private long debugBufferLimit = 1L << 30;
    private List<Long> plannedMemory = List.of();

    private Builder() {}

    /**
     * What is logged besides timings (default {@link DebugLevel#NONE}).
     *
     * @param level the debug level
     * @return this builder
     */
    public Builder debugLevel(DebugLevel level) {
      this.debugLevel = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * The most bytes the debug buffer may hold (default 1 GiB), like ExecuTorch's debug buffer size.
     *
     * @param bytes the limit in bytes, 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is negative
     */
    public Builder debugBufferLimit(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("debug buffer limit must be >= 0, got " + bytes);
      }
      this.debugBufferLimit = bytes;
      return this;
    }

    /**
     * Records one allocator per planned buffer ({@code planned_buffer_<i>}, for the method's
     * {@code MethodMeta.plannedBufferSizes()}) and one allocation event of its size at the start of
     * every run. Off (empty) by default; see the class documentation.
     *
     * @param bufferSizes the size in bytes of each planned buffer (copied)
     * @return this builder
     */
    public Builder plannedMemory(List<Long> bufferSizes) {
      this.plannedMemory = List.copyOf(bufferSizes);
      return this;
    }

    /**
     * A writer with these options.
     *
     * @return a new writer, with no runs recorded
     */
    public ETDumpWriter build() {
      return new ETDumpWriter(this);
    }
  }

  private final DebugLevel debugLevel;
  private final long debugBufferLimit;
  private final List<Long> plannedMemory;
  private final List<ETDump.RunData> runs = new ArrayList<>();
  private String runName;
  private int runBundledIndex = -1;
  private List<ETDump.Event> events;
  private int bundledInputIndex = -1;
  private byte[] debug = new byte[0];
  private int debugUsed;

  private ETDumpWriter(Builder b) {
    this.debugLevel = b.debugLevel;
    this.debugBufferLimit = b.debugBufferLimit;
    this.plannedMemory = b.plannedMemory;
  }

  /**
   * Starts a writer's options, all at their defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A writer that records timings only.
   *
   * @return a new writer with the default options
   */
  public static ETDumpWriter create() {
    return builder().build();
  }

  /**
   * The BundledProgram test case that feeds the following executions (ExecuTorch's
   * {@code set_bundled_input_index}), or -1 for none.
   *
   * @param index the test case's index in the BundledProgram, or -1
   * @throws IllegalArgumentException when {@code index} is below -1
   */
  public void setBundledInputIndex(int index) {
    if (index < -1) {
      throw new IllegalArgumentException("bundled input index must be >= -1, got " + index);
    }
    this.bundledInputIndex = index;
  }

  @Override
  public DebugLevel debugLevel() {
    return debugLevel;
  }

  @Override
  public void executionStarted(String method) {
    finishRun();
    runName = "Execute";
    runBundledIndex = bundledInputIndex;
    events = new ArrayList<>();
    for (long size : plannedMemory) {
      events.add(new ETDump.AllocationEvent(events.size() + 1, size));
    }
  }

  private void finishRun() {
    if (events != null) {
      List<String> allocators = new ArrayList<>();
      for (int i = 0; i < plannedMemory.size(); i++) {
        allocators.add("planned_buffer_" + (i + 1));
      }
      runs.add(new ETDump.RunData(runName, runBundledIndex, allocators, events));
      events = null;
    }
  }

  private List<ETDump.Event> events() {
    if (events == null) {
      throw new IllegalStateException("no execution is being recorded (executionStarted was not called)");
    }
    return events;
  }

  @Override
  public void instructionExecuted(TracedInstruction in, long startNanos, long endNanos) {
    List<ETDump.Event> ev = events();
    switch (in.kind()) {
      case KERNEL_CALL -> {
        String inner = nativeCallName(in.operator());
        if (inner != null) {
          if (debugLevel == DebugLevel.INTERMEDIATE_OUTPUTS) {
            for (Value v : in.outputs()) {
              logValue(ev, in.chain(), in.index(), -1, null, v, false);
            }
          }
          ev.add(profile(inner, in.chain(), in.index(), startNanos, endNanos));
        }
        ev.add(profile(in.kind().eventName(), in.chain(), in.index(), startNanos, endNanos));
      }
      case DELEGATE_CALL -> {
        if (debugLevel == DebugLevel.INTERMEDIATE_OUTPUTS) {
          for (Value v : in.outputs()) {
            logValue(ev, in.chain(), in.index(), -1, null, v, false);
          }
        }
        ev.add(profile(in.kind().eventName(), in.chain(), in.index(), startNanos, endNanos));
      }
      default -> ev.add(profile(in.kind().eventName(), in.chain(), in.index(), startNanos, endNanos));
    }
  }

  /**
   * The name of the generated kernel wrapper's profile event for an operator
   * ({@code native_call_add.out} for {@code aten::add.out}), or null for the hand-registered prim
   * ops, which have none.
   *
   * @param operator an operator name, e.g. {@code aten::add.out}
   * @return the event name, or null
   */
  public static String nativeCallName(String operator) {
    if (operator.startsWith("executorch_prim::") || HAND_REGISTERED.contains(operator)) {
      return null;
    }
    int sep = operator.indexOf("::");
    return "native_call_" + (sep < 0 ? operator : operator.substring(sep + 2));
  }

  private static ETDump.ProfileEvent profile(String name, int chain, int instruction, long start, long end) {
    return new ETDump.ProfileEvent(name, chain, instruction, -1, null, null, start, end);
  }

  @Override
  public void delegateEvent(
      TracedInstruction in, String name, int debugId, long startNanos, long endNanos, byte[] metadata) {
    checkDelegateId(name, debugId);
    // ExecuTorch always writes the metadata vector, empty when the delegate attached none.
    byte[] md = metadata == null ? new byte[0] : metadata.clone();
    events().add(new ETDump.ProfileEvent(
        null, in.chain(), in.index(), name == null ? debugId : -1, name, md, startNanos, endNanos));
  }

  @Override
  public void delegateOutput(TracedInstruction in, String name, int debugId, Value value) {
    checkDelegateId(name, debugId);
    if (debugLevel == DebugLevel.INTERMEDIATE_OUTPUTS) {
      logValue(events(), in.chain(), in.index(), name == null ? debugId : -1, name, value, false);
    }
  }

  /** ExecuTorch's rule: a delegate event is named by a string or by an integer id, never both or neither. */
  private static void checkDelegateId(String name, int debugId) {
    if ((name == null) == (debugId == -1)) {
      throw new IllegalArgumentException(
          "a delegate event needs either a name or an integer debug id (not both): name " + name + ", id " + debugId);
    }
  }

  @Override
  public void executionFinished(String method, long startNanos, long endNanos, List<Value> outputs) {
    List<ETDump.Event> ev = events();
    ev.add(profile("Method::execute", UNSET_CHAIN, UNSET_INSTRUCTION, startNanos, endNanos));
    if (debugLevel != DebugLevel.NONE) {
      for (Value v : outputs) {
        // The chain index field is unsigned: ExecuTorch's unset chain id -1 reads as 2^64 - 1.
        logValue(ev, UNSET_CHAIN, UNSET_INSTRUCTION, -1, null, v, true);
      }
    }
    finishRun();
  }

  private void logValue(
      List<ETDump.Event> ev, long chain, int instruction, int delegateId, String delegateName, Value v, boolean output) {
    ETDump.DebugValue value = debugValue(v, output);
    if (value != null) {
      ev.add(new ETDump.DebugEvent(chain, instruction, delegateId, delegateName, null, value));
    }
  }

  private ETDump.DebugValue debugValue(Value v, boolean output) {
    if (v == null) {
      return null;
    }
    switch (v.tag()) {
      case TENSOR -> {
        return tensorValue(v.toTensor(), output);
      }
      case TENSOR_LIST -> {
        List<ETDump.TensorValue> items = new ArrayList<>();
        for (TensorImpl t : v.toTensorList()) {
          ETDump.TensorValue tv = tensorValue(t, output);
          if (tv == null) {
            return null;
          }
          items.add(tv);
        }
        return new ETDump.TensorListValue(items, output);
      }
      case INT -> {
        return new ETDump.IntValue(v.toInt(), output);
      }
      case DOUBLE -> {
        return new ETDump.DoubleValue(v.toDouble(), output);
      }
      case BOOL -> {
        return new ETDump.BoolValue(v.toBool(), output);
      }
      default -> {
        return null;
      }
    }
  }

  /** The dtypes ExecuTorch's ETDump writes (its get_flatbuffer_scalar_type), and half, which Inspector reads too. */
  private static boolean loggable(ScalarType t) {
    return switch (t) {
      case BYTE, CHAR, SHORT, INT, LONG, FLOAT, DOUBLE, BOOL, BITS16, UINT16, HALF -> true;
      default -> false;
    };
  }

  private ETDump.TensorValue tensorValue(TensorImpl t, boolean output) {
    if (t == null || !loggable(t.dtype())) {
      return null;
    }
    List<Long> sizes = new ArrayList<>(t.dim());
    List<Long> strides = new ArrayList<>(t.dim());
    for (int d = 0; d < t.dim(); d++) {
      sizes.add((long) t.size(d));
      strides.add(t.stride(d));
    }
    long nbytes = t.nbytes();
    long offset = nbytes == 0 || !t.hasData() ? -1 : appendDebug(t.data(), nbytes);
    return new ETDump.TensorValue(t.dtype().code(), sizes, strides, offset, output);
  }

  private long appendDebug(MemorySegment data, long nbytes) {
    long start = (debugUsed + DEBUG_ALIGNMENT - 1L) / DEBUG_ALIGNMENT * DEBUG_ALIGNMENT;
    long end = start + nbytes;
    if (end > debugBufferLimit || end > Integer.MAX_VALUE - 8) {
      throw new ExecuTorchException(
          ErrorCode.OUT_OF_RESOURCES,
          "the ETDump debug buffer is full: " + end + " bytes needed, limit " + Math.min(debugBufferLimit, Integer.MAX_VALUE - 8)
              + " (ExecuTorch's \"Ran out of space to store intermediate outputs\")");
    }
    if (end > debug.length) {
      debug = Arrays.copyOf(debug, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(end, 2L * debug.length + 4096)));
    }
    MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, debug, (int) start, (int) nbytes);
    debugUsed = (int) end;
    return start;
  }

  /**
   * Every run recorded so far (a run still in progress is not included).
   *
   * @return a snapshot; later runs do not change it
   */
  public ETDump etdump() {
    return new ETDump(ETDump.VERSION, runs);
  }

  /**
   * The runs recorded so far.
   *
   * @return the number of finished runs
   */
  public int runCount() {
    return runs.size();
  }

  /**
   * A copy of the debug buffer: the bytes of every logged tensor.
   *
   * @return the bytes used so far, which the caller owns
   */
  public byte[] debugBuffer() {
    return Arrays.copyOf(debug, debugUsed);
  }

  /**
   * Writes the ETDump to {@code etdump} and, if not null, the debug buffer to {@code debugBuffer}.
   *
   * @param etdump the {@code .etdp} file to create or replace
   * @param debugBuffer the debug buffer's file, or null to write none
   * @throws IOException when a file cannot be written
   */
  public void write(Path etdump, Path debugBuffer) throws IOException {
    etdump().write(etdump);
    if (debugBuffer != null) {
      Files.write(debugBuffer, debugBuffer());
    }
  }

  /** Forgets every run and the debug buffer. */
  public void clear() {
    runs.clear();
    events = null;
    debug = new byte[0];
    debugUsed = 0;
  }
}
