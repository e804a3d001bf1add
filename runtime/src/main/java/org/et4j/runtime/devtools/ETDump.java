package org.et4j.runtime.devtools;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * The contents of an ETDump ({@code .etdp}): ExecuTorch's profiling and debugging record, a
 * size-prefixed flatbuffer with identifier {@code ED00} ({@code devtools/etdump/etdump_schema_flatcc.fbs}).
 * Field names and defaults are the schema's: an unset instruction id or integer delegate id is
 * -1, an unset string is null. Tensor values in debug events refer by offset to a separate debug
 * buffer, which is not part of this record.
 *
 * @param version the schema version; ExecuTorch writes 0
 * @param runs one {@link RunData} per event block: ExecuTorch starts one per execution, named
 *     {@code Execute}
 */
public record ETDump(int version, List<RunData> runs) {
  /** ExecuTorch's {@code ETDUMP_VERSION}. */
  public static final int VERSION = 0;

  /** Copies {@code runs}. */
  public ETDump {
    runs = List.copyOf(runs);
  }

  /**
   * One event block.
   *
   * @param name the block's name ({@code Execute} for an execution)
   * @param bundledInputIndex the BundledProgram test case that fed this run, or -1
   * @param allocators the names of the allocators that allocation events refer to (id 1 is the first)
   * @param events the run's events, in the order they were logged
   */
  public record RunData(String name, int bundledInputIndex, List<String> allocators, List<Event> events) {
    /** Copies {@code allocators} and {@code events}; {@code name} may not be null. */
    public RunData {
      Objects.requireNonNull(name, "name");
      allocators = List.copyOf(allocators);
      events = List.copyOf(events);
    }
  }

  /** One event of a run: exactly one of the schema's three kinds. */
  public sealed interface Event permits ProfileEvent, AllocationEvent, DebugEvent {}

  /**
   * A timed span. Framework events have a {@code name} (e.g. {@code OPERATOR_CALL},
   * {@code native_call_add.out}, {@code Method::execute}); events from inside a delegate have a
   * delegate debug id instead.
   *
   * @param name the event's name, or null for a delegate's event named by its debug id
   * @param chainIndex the chain of the instruction the event belongs to
   * @param instructionId the instruction's index in its chain, or -1 (e.g. {@code Method::execute})
   * @param delegateDebugIdInt the delegate's integer debug id, or -1
   * @param delegateDebugIdStr the delegate's string debug id, or null
   * @param delegateDebugMetadata bytes the delegate attached, or null
   * @param startTime when the span started, in the run's time unit (see {@link #duration()})
   * @param endTime when it ended
   */
  public record ProfileEvent(
      String name,
      int chainIndex,
      int instructionId,
      int delegateDebugIdInt,
      String delegateDebugIdStr,
      byte[] delegateDebugMetadata,
      long startTime,
      long endTime)
      implements Event {
    /**
     * {@code endTime - startTime}, in the run's time unit (nanoseconds for et4j and ExecuTorch on Linux).
     *
     * @return the span's length
     */
    public long duration() {
      return endTime - startTime;
    }

    /**
     * True for an event logged by a delegate for one of its own operations.
     *
     * @return whether either delegate debug id is set
     */
    public boolean isDelegated() {
      return delegateDebugIdInt != -1 || (delegateDebugIdStr != null && !delegateDebugIdStr.isEmpty());
    }

    /**
     * The name Inspector gives the event: the delegate debug id for delegated events, else the name.
     *
     * @return the name, never null (empty when the event has none)
     */
    public String displayName() {
      if (delegateDebugIdInt != -1) {
        return Integer.toString(delegateDebugIdInt);
      }
      if (delegateDebugIdStr != null && !delegateDebugIdStr.isEmpty()) {
        return delegateDebugIdStr;
      }
      return name == null ? "" : name;
    }
  }

  /**
   * Bytes taken from allocator {@code allocatorId} (1-based, into {@link RunData#allocators}).
   *
   * @param allocatorId the allocator, 1 for the run's first
   * @param allocationSize how many bytes, in bytes
   */
  public record AllocationEvent(int allocatorId, long allocationSize) implements Event {}

  /**
   * A logged value: an instruction's output, a delegate's intermediate, or (output flag) a method output.
   *
   * @param chainIndex the chain of the instruction that produced it
   * @param instructionId the instruction's index in its chain, or -1 for a method output
   * @param delegateDebugIdInt the delegate's integer debug id for a delegate intermediate, or -1
   * @param delegateDebugIdStr the delegate's string debug id for a delegate intermediate, or null
   * @param name the value's name, or null
   * @param value the value
   */
  public record DebugEvent(
      long chainIndex, int instructionId, int delegateDebugIdInt, String delegateDebugIdStr, String name, DebugValue value)
      implements Event {}

  /** A logged value. */
  public sealed interface DebugValue permits TensorValue, TensorListValue, IntValue, BoolValue, DoubleValue, FloatValue {
    /**
     * True for the method's outputs (ExecuTorch's {@code LoggedEValueType::kProgramOutput}).
     *
     * @return whether this value is a method output
     */
    boolean output();
  }

  /**
   * A tensor whose bytes are in the debug buffer at {@code offset} (-1 for an empty tensor).
   *
   * @param scalarType ExecuTorch's ScalarType code
   * @param sizes the size of each dimension, in elements (copied)
   * @param strides the stride of each dimension, in elements (copied)
   * @param offset the byte offset of its data in the debug buffer, or -1
   * @param output true for a method output
   */
  public record TensorValue(int scalarType, List<Long> sizes, List<Long> strides, long offset, boolean output)
      implements DebugValue {
    /** Copies {@code sizes} and {@code strides}. */
    public TensorValue {
      sizes = List.copyOf(sizes);
      strides = List.copyOf(strides);
    }
  }

  /**
   * A list of tensors, each logged as a {@link TensorValue}.
   *
   * @param tensors the tensors, in order (copied)
   * @param output true for a method output
   */
  public record TensorListValue(List<TensorValue> tensors, boolean output) implements DebugValue {
    /** Copies {@code tensors}. */
    public TensorListValue {
      tensors = List.copyOf(tensors);
    }
  }

  /**
   * An integer.
   *
   * @param value the value
   * @param output true for a method output
   */
  public record IntValue(long value, boolean output) implements DebugValue {}

  /**
   * A boolean.
   *
   * @param value the value
   * @param output true for a method output
   */
  public record BoolValue(boolean value, boolean output) implements DebugValue {}

  /**
   * A double.
   *
   * @param value the value
   * @param output true for a method output
   */
  public record DoubleValue(double value, boolean output) implements DebugValue {}

  /**
   * A float.
   *
   * @param value the value
   * @param output true for a method output
   */
  public record FloatValue(float value, boolean output) implements DebugValue {}

  /**
   * The size-prefixed flatbuffer ExecuTorch's tools read.
   *
   * @return a new array holding the encoded ETDump
   */
  public byte[] toByteArray() {
    return ETDumpCodec.encode(this);
  }

  /**
   * Writes {@link #toByteArray()} to {@code path}.
   *
   * @param path the file to create or replace
   * @throws IOException when it cannot be written
   */
  public void write(Path path) throws IOException {
    Files.write(path, toByteArray());
  }

  /**
   * Parses an ETDump, every offset checked before it is read.
   *
   * @param bytes the size-prefixed flatbuffer
   * @return the ETDump
   * @throws ExecuTorchException InvalidArgument when the bytes are not a well-formed ETDump
   */
  public static ETDump parse(MemorySegment bytes) {
    return ETDumpCodec.decode(bytes);
  }

  /**
   * Parses an ETDump held in a byte array.
   *
   * @param bytes the size-prefixed flatbuffer
   * @return the ETDump
   * @throws ExecuTorchException InvalidArgument when the bytes are not a well-formed ETDump
   */
  public static ETDump parse(byte[] bytes) {
    return parse(MemorySegment.ofArray(bytes));
  }

  /**
   * Reads an ETDump file.
   *
   * @param path the {@code .etdp} file
   * @return the ETDump
   * @throws ExecuTorchException AccessFailed when it cannot be read, InvalidArgument when malformed
   */
  public static ETDump read(Path path) {
    byte[] data;
    try {
      data = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ExecuTorchException(ErrorCode.ACCESS_FAILED, "no such file: " + path);
    } catch (IOException e) {
      throw new ExecuTorchException(ErrorCode.ACCESS_FAILED, "cannot read " + path + ": " + e.getMessage(), e);
    }
    return parse(data);
  }
}
