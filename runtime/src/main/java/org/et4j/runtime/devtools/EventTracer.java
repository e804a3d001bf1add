package org.et4j.runtime.devtools;

import java.util.List;
import org.et4j.runtime.kernel.Value;

/**
 * Receives what a {@link org.et4j.runtime.Method} does while it executes: ExecuTorch's
 * {@code EventTracer} ({@code runtime/core/event_tracer.h}). Attach one with
 * {@link org.et4j.runtime.Method#setEventTracer}; {@link ETDumpWriter} is the implementation that
 * writes ExecuTorch's ETDump.
 *
 * <p>With no tracer attached (and no JFR recording that enables et4j's events) a method runs its
 * plain instruction loop: no clock is read and nothing is allocated for tracing. With a tracer the
 * method runs a separate loop that times every instruction with {@link System#nanoTime()} and
 * calls the tracer on the executing thread, so a tracer sees one method's events in order and
 * needs no locking as long as it serves one method at a time.
 */
public interface EventTracer {
  /** What the method hands over besides timings: ExecuTorch's {@code EventTracerDebugLogLevel}. */
  enum DebugLevel {
    /** Timings only. */
    NONE,
    /** Timings and the method's outputs at the end of each execution. */
    PROGRAM_OUTPUTS,
    /** Timings, outputs, and every instruction's outputs ({@link TracedInstruction#outputs()}). */
    INTERMEDIATE_OUTPUTS
  }

  /**
   * Asked once per execution, before the first instruction.
   *
   * @return what the method should hand over; {@link DebugLevel#NONE} by default
   */
  default DebugLevel debugLevel() {
    return DebugLevel.NONE;
  }

  /**
   * An execution of {@code method} starts: ExecuTorch's {@code create_event_block("Execute")}.
   *
   * @param method the method's name
   */
  void executionStarted(String method);

  /**
   * One instruction ran from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}).
   * Its outputs, when the debug level asks for them, are the values of
   * {@link TracedInstruction#outputs()} now, before the next instruction overwrites them.
   *
   * @param instruction the instruction; the same object for every execution of the method
   * @param startNanos when it started
   * @param endNanos when it ended
   */
  void instructionExecuted(TracedInstruction instruction, long startNanos, long endNanos);

  /**
   * A delegate reported one event inside {@code instruction} (a DelegateCall), as ExecuTorch's
   * {@code event_tracer_log_profiling_delegate} does: named by a string ({@code debugId} -1) or by
   * an integer id ({@code name} null). Delegate events arrive before the instruction's own
   * {@link #instructionExecuted}.
   *
   * @param instruction the DelegateCall
   * @param name the event's name, or null when {@code debugId} names it
   * @param debugId the event's debug id, or -1 when {@code name} names it
   * @param startNanos when it started ({@link System#nanoTime()})
   * @param endNanos when it ended
   * @param metadata backend-defined bytes recorded with the event, or null
   */
  void delegateEvent(
      TracedInstruction instruction, String name, int debugId, long startNanos, long endNanos, byte[] metadata);

  /**
   * A delegate logged one of its intermediate values, as ExecuTorch's
   * {@code event_tracer_log_output_delegate}; only called at {@link DebugLevel#INTERMEDIATE_OUTPUTS}.
   *
   * @param instruction the DelegateCall
   * @param name the value's name, or null when {@code debugId} names it
   * @param debugId its debug id, or -1 when {@code name} names it
   * @param value the value, valid only during this call (copy what you keep)
   */
  default void delegateOutput(TracedInstruction instruction, String name, int debugId, Value value) {}

  /**
   * The execution finished: ExecuTorch's {@code Method::execute} event, then (at
   * {@link DebugLevel#PROGRAM_OUTPUTS} and above) the method's outputs.
   *
   * @param method the method's name
   * @param startNanos when the execution started ({@link System#nanoTime()})
   * @param endNanos when it ended
   * @param outputs the method's outputs, valid only during this call (copy what you keep)
   */
  void executionFinished(String method, long startNanos, long endNanos, List<Value> outputs);
}
