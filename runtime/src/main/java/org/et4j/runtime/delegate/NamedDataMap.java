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
  /**
   * The bytes stored under {@code key}, as a read-only view; empty if there are none.
   *
   * @param key a tensor name or backend key
   * @return the bytes, valid while the program that owns them is open
   */
  Optional<MemorySegment> find(String key);

  /**
   * The layout recorded for {@code key}, if its file records one (a .ptd does; a .pte does not).
   *
   * @param key a tensor name
   * @return the layout, or empty
   */
  Optional<TensorLayout> tensorLayout(String key);

  /**
   * All keys.
   *
   * @return the keys, unmodifiable
   */
  Set<String> keys();
}
