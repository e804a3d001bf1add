package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.schema.xnnpack.XNNArgMaxPooling2d;
import org.et4j.schema.xnnpack.XNNScaledDotProductAttention;

/** The operators of the spatial (NHWC) nodes: convolutions, pooling, resizing, attention. */
final class SpatialOps {
  private SpatialOps() {}

  static XnnOp create(XnnGraph.Node node, XnnGraph g, XnnOps.Resolver r) {
    String where = g.where;
    return switch (node.kind()) {
      case SCALED_DOT_PRODUCT_ATTENTION -> {
        XNNScaledDotProductAttention t = (XNNScaledDotProductAttention) node.table();
        yield new ScaledDotProductAttentionOp(node, where, r.get(t.queryId(), "query"), r.get(t.keyId(), "key"),
            r.get(t.valueId(), "value"), r.get(t.scaleId(), "scale"), r.get(t.maskId(), "mask"),
            r.get(t.outputId(), "output"));
      }
      case ARG_MAX_POOLING_2D -> {
        XNNArgMaxPooling2d t = (XNNArgMaxPooling2d) node.table();
        long[] p = {t.paddingTop(), t.paddingRight(), t.paddingBottom(), t.paddingLeft(), t.poolingHeight(),
            t.poolingWidth()};
        yield new ArgMaxPooling2dOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputValueId(), "output_value"),
            r.get(t.outputIndexId(), "output_index"), p);
      }
      default -> throw r.notImplemented("et4j does not run " + node.kind().schemaName() + " nodes yet");
    };
  }
}
