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
   */
  void event(String name, int debugId, long startNanos, long endNanos, byte[] metadata);

  /** Whether {@link #output} records anything; a delegate may skip gathering its values when not. */
  boolean wantsOutputs();

  /** One intermediate value of the delegate, named as in {@link #event}. */
  void output(String name, int debugId, Value value);
}
