package org.et4j.runtime.delegate;

/**
 * A key and opaque value the exporter attached to a delegate for its backend.
 *
 * @param key the spec's name, as the backend's partitioner wrote it
 * @param value its bytes, copied (the record never shares its array)
 */
public record CompileSpec(String key, byte[] value) {
  /** Copies {@code value}. */
  public CompileSpec {
    value = value.clone();
  }

  /**
   * The value's bytes.
   *
   * @return a fresh copy, which the caller may modify
   */
  @Override
  public byte[] value() {
    return value.clone();
  }
}
