package org.et4j.runtime.delegate;

import org.et4j.runtime.kernel.Value;

/**
 * What a delegate may report while it runs under an event tracer: ExecuTorch's delegate hooks
 * ({@code event_tracer_log_profiling_delegate}, {@code event_tracer_log_output_delegate}). The
 * interpreter passes one to {@link DelegateHandle#execute(Value[], DelegateTracer)} only when a
 * tracer is attached; the events are recorded against the DelegateCall being executed.
 */
public interface DelegateTracer {
  /**
   * One event inside the delegate, named by a string (ExecuTorch's XNNPACK profiler uses
   * {@code "<operator> #<n>"}) with {@code debugId} -1, or by an integer debug id with
   * {@code name} null. Times are {@link System#nanoTime()} values.
   *
   * @param name the event's name, or null when {@code debugId} names it
   * @param debugId the event's debug id, or -1 when {@code name} names it
   * @param startNanos when it started
   * @param endNanos when it ended
   * @param metadata backend-defined bytes recorded with the event, or null
   */
  void event(String name, int debugId, long startNanos, long endNanos, byte[] metadata);

  /**
   * Whether {@link #output} records anything; a delegate may skip gathering its values when not.
   *
   * @return true when intermediate outputs are being recorded
   */
  boolean wantsOutputs();

  /**
   * One intermediate value of the delegate, named as in {@link #event}.
   *
   * @param name the value's name, or null when {@code debugId} names it
   * @param debugId its debug id, or -1 when {@code name} names it
   * @param value the value, valid only during this call
   */
  void output(String name, int debugId, Value value);
}
