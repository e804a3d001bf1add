package org.et4j.runtime.delegate;

/** A key and opaque value the exporter attached to a delegate for its backend. */
public record CompileSpec(String key, byte[] value) {
  public CompileSpec {
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }
}
