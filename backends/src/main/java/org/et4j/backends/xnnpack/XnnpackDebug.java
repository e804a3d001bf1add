package org.et4j.backends.xnnpack;

import java.lang.foreign.MemorySegment;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.delegate.NamedDataMap;

/**
 * Hooks for tools that compare et4j's Java XNNPACK operators with another runtime of the same
 * payload (the native bridge's node-by-node comparison): decode a payload, and run it with every
 * node's outputs handed to an observer. Not for serving: the observer is called on the
 * executing thread after each node.
 */
public final class XnnpackDebug {
  private XnnpackDebug() {}

  /** Sees one output of one node, right after the node ran. */
  public interface NodeObserver {
    /**
     * One node output.
     *
     * @param node the node that wrote it
     * @param value the output value's definition
     * @param dims its dims now (physical order, as XNNPACK's)
     * @param data its contents; valid only during the call
     */
    void nodeDone(XnnGraph.Node node, XnnValue value, int[] dims, MemorySegment data);
  }

  /**
   * Decodes and validates a payload, as the backend's init does.
   *
   * @param payload the delegate's processed bytes
   * @param namedData the program's named data
   * @param where how errors name the payload
   * @return the decoded graph
   */
  public static XnnGraph decode(MemorySegment payload, NamedDataMap namedData, String where) {
    return XnnGraph.decode(payload, namedData, where);
  }

  /**
   * The Java runtime of {@code graph}, reporting each node's outputs to {@code observer}.
   *
   * @param graph a decoded graph
   * @param observer called after every node of every execution
   * @return the handle; close it when done
   */
  public static DelegateHandle compileJava(XnnGraph graph, NodeObserver observer) {
    XnnRuntime rt = XnnRuntime.compile(graph);
    rt.observer = observer;
    return rt;
  }
}
