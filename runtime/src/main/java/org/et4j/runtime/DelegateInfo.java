package org.et4j.runtime;

import java.util.List;

/**
 * A delegate of a method: a subgraph handed to a backend.
 *
 * @param index position in the method's delegate list
 * @param backendId the backend the program asks for, e.g. {@code XnnpackBackend}
 * @param location {@code inline} (in the flatbuffer) or {@code segment}
 * @param dataIndex index of the payload in the inline list or the segment list
 * @param payloadSize bytes of the payload
 * @param compileSpecKeys keys of the compile specs, in order
 */
public record DelegateInfo(
    int index, String backendId, String location, long dataIndex, long payloadSize, List<String> compileSpecKeys) {
  /** Copies {@code compileSpecKeys}. */
  public DelegateInfo {
    compileSpecKeys = List.copyOf(compileSpecKeys);
  }
}
