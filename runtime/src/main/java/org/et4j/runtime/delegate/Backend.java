package org.et4j.runtime.delegate;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A delegate backend: ExecuTorch's {@code BackendInterface}. Found with
 * {@link java.util.ServiceLoader} and looked up by {@link #id()}, the string a program's
 * {@code BackendDelegate.id} names (e.g. {@code XnnpackBackend}).
 *
 * <p>Threading contract: a backend is shared and must be thread-safe; {@link #init} may be called
 * concurrently for different methods. Each {@link DelegateHandle} it returns belongs to the one
 * {@code Method} being loaded and is executed by one thread at a time (the Method's), so a handle
 * may keep mutable state (buffers, shape caches) without locking. The same payload loaded in
 * several Methods gets one handle per Method, and those run concurrently.
 */
public interface Backend {
  /**
   * The id programs use for this backend.
   *
   * @return the id, matched exactly against {@code BackendDelegate.id}
   */
  String id();

  /**
   * False when the backend is known but cannot run here (missing hardware or library).
   *
   * @return whether {@link #init} can be called; true by default
   */
  default boolean isAvailable() {
    return true;
  }

  /**
   * Prepares one delegate of a method, at method load.
   *
   * @param context the method being loaded and the named data it may read
   * @param processed the payload the exporter produced (a view of the program file; read only)
   * @param compileSpecs the specs the exporter attached to this delegate, in program order
   * @return a handle the interpreter calls for each DelegateCall of this delegate
   * @throws org.et4j.runtime.ExecuTorchException when the payload is invalid or not supported
   */
  DelegateHandle init(BackendInitContext context, MemorySegment processed, List<CompileSpec> compileSpecs);

  /**
   * Describes a payload without initialising it (for {@code inspect} and tolerance choices).
   *
   * @param processed the payload, as for {@link #init} (read only)
   * @param namedData the program's named data, for payloads whose weights live there
   * @return the contents, or null when this backend does not describe its payloads
   * @throws org.et4j.runtime.ExecuTorchException when the payload is invalid
   */
  default DelegateContents describe(MemorySegment processed, NamedDataMap namedData) {
    return null;
  }
}
