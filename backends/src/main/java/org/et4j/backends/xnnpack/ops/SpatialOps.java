package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;

/** The operators of the spatial (NHWC) nodes: convolutions, pooling, resizing, attention. */
final class SpatialOps {
  private SpatialOps() {}

  static XnnOp create(XnnGraph.Node node, XnnGraph g, XnnOps.Resolver r) {
    throw r.notImplemented("et4j does not run " + node.kind().schemaName() + " nodes yet");
  }
}
