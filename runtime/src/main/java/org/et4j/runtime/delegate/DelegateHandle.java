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

  /** Frees what {@code init} allocated. Idempotent. */
  @Override
  default void close() {}
}
