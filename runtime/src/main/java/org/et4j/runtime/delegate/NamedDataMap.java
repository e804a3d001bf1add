package org.et4j.runtime.delegate;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;

/**
 * Blobs by key: ExecuTorch's {@code NamedDataMap}. Keys are fully-qualified tensor names for
 * external constants and backend-chosen keys (XNNPACK uses the sha256 of the bytes) for delegate
 * data.
 */
public interface NamedDataMap {
  /** The bytes stored under {@code key}, as a read-only view; empty if there are none. */
  Optional<MemorySegment> find(String key);

  /** The layout recorded for {@code key}, if its file records one (a .ptd does; a .pte does not). */
  Optional<TensorLayout> tensorLayout(String key);

  /** All keys. */
  Set<String> keys();
}
