package org.et4j.runtime.delegate;

import java.util.List;

/**
 * What one delegate payload holds, as its backend reads it: for {@code inspect}, and for the
 * conformance suite, which derives a delegated method's tolerance from the operations inside.
 *
 * @param backendId the backend
 * @param nodes the payload's operations (e.g. XNNPACK node kinds) with counts, in first-use order
 * @param datatypes the datatypes of its values with counts
 */
public record DelegateContents(String backendId, List<Entry> nodes, List<Entry> datatypes) {
  /** Copies {@code nodes} and {@code datatypes}. */
  public DelegateContents {
    nodes = List.copyOf(nodes);
    datatypes = List.copyOf(datatypes);
  }

  /**
   * One kind of node or value.
   *
   * @param name e.g. {@code FullyConnected} or {@code qcint8}
   * @param count how many the payload has
   * @param supported whether this runtime runs it
   * @param equivalentOperator the portable operator with the same math (e.g. {@code aten::linear}),
   *     naming its tolerance family; empty when there is none
   */
  public record Entry(String name, int count, boolean supported, String equivalentOperator) {}
}
