package org.et4j.runtime.delegate;

/** What a backend may use while it initialises a delegate (ExecuTorch's {@code BackendInitContext}). */
public interface BackendInitContext {
  /**
   * The method being loaded.
   *
   * @return its name in the program
   */
  String methodName();

  /**
   * The program's {@code named_data} merged with the external data files given at load.
   *
   * @return the merged map; its segments stay valid while the program is open
   */
  NamedDataMap namedData();
}
