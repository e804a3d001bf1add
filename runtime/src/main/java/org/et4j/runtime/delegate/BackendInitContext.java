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

  /**
   * The most memory the delegate may allocate for its intermediate values and scratch: what the
   * method's planned-memory cap ({@code LoadOptions.plannedMemoryCap()}) leaves after the
   * method's own plan, so that a hostile payload is refused at the same limit as the plan.
   *
   * @return bytes
   */
  default long maxPlannedMemory() {
    return org.et4j.runtime.LoadOptions.defaultMaxPlannedMemory();
  }

  /**
   * How a user raises {@link #maxPlannedMemory()}, for the error a backend raises when a payload
   * needs more.
   *
   * @return a phrase naming the load option, CLI flag or system property
   */
  default String howToRaisePlannedMemory() {
    return "raise it with LoadOptions.builder().maxPlannedMemory(bytes), the CLI's --max-planned-memory,"
        + " or -Det4j.maxPlannedMemory";
  }

  /**
   * A backend option the program was loaded with ({@code LoadOptions.Builder.backendOption}).
   *
   * @param key the option's key, e.g. {@code xnnpack}
   * @return its value, or null when it was not given
   */
  default String option(String key) {
    return null;
  }

  /**
   * The threads the program was loaded with ({@code LoadOptions.threads()}): 0 for the
   * process-wide default.
   *
   * @return the thread count, 0 or more
   */
  default int threads() {
    return 0;
  }
}
