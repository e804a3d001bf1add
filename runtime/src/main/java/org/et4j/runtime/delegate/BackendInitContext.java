package org.et4j.runtime.delegate;

/** What a backend may use while it initialises a delegate (ExecuTorch's {@code BackendInitContext}). */
public interface BackendInitContext {
  /** The method being loaded. */
  String methodName();

  /** The program's {@code named_data} merged with the external data files given at load. */
  NamedDataMap namedData();
}
