package org.et4j.runtime.delegate;

import org.et4j.runtime.kernel.Value;

/** One initialised delegate of one method. Used by one thread at a time, like its method. */
public interface DelegateHandle extends AutoCloseable {
  /**
   * Runs the delegate.
   *
   * @param args the DelegateCall's arguments: the delegate's inputs, then its flattened outputs
   */
  void execute(Value[] args);

  /**
   * Runs the delegate under an event tracer: a backend that can time its own operations reports
   * them to {@code tracer}, as ExecuTorch's backends report to the event tracer of their
   * execution context. Called instead of {@link #execute(Value[])} only while a tracer is
   * attached; the default runs the delegate untraced.
   *
   * @param args as for {@link #execute(Value[])}
   * @param tracer where to report the delegate's events; valid only during this call
   */
  default void execute(Value[] args, DelegateTracer tracer) {
    execute(args);
  }

  /** Frees what {@code init} allocated. Idempotent. */
  @Override
  default void close() {}
}
