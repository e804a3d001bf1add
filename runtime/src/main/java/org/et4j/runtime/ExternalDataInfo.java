package org.et4j.runtime;

import java.util.List;

/**
 * An external data file (.ptd) given at load.
 *
 * @param name the file name or the label given
 * @param size bytes
 * @param keys the named tensors it provides, in file order
 * @param dataSize bytes of segment data
 */
public record ExternalDataInfo(String name, long size, List<String> keys, long dataSize) {
  /** Copies {@code keys}. */
  public ExternalDataInfo {
    keys = List.copyOf(keys);
  }
}
