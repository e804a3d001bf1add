package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.NodeConv;
import org.et4j.schema.xnnpack.NodePooling2D;
import org.et4j.schema.xnnpack.XNNArgMaxPooling2d;
import org.et4j.schema.xnnpack.XNNStaticResizeBilinear2D;
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
      case CONV2D, DEPTHWISE_CONV2D, CONV_TRANSPOSE2D -> {
        NodeConv t = (NodeConv) node.table();
        long[] v = {t.paddingTop(), t.paddingRight(), t.paddingBottom(), t.paddingLeft(), t.kernelHeight(),
            t.kernelWidth(), t.subsamplingHeight(), t.subsamplingWidth(), t.dilationHeight(), t.dilationWidth(),
            t.groupInputChannels(), t.groupOutputChannels(), t.groups(), t.adjustmentHeight(), t.adjustmentWidth()};
        for (long x : v) {
          if (x > 1 << 24) {
            throw XnnGraph.invalid(where + " " + node.where() + ": convolution parameter " + x + " is too large");
          }
        }
        Conv2dOp.Geometry geo = new Conv2dOp.Geometry((int) v[0], (int) v[1], (int) v[2], (int) v[3], (int) v[4],
            (int) v[5], (int) v[6], (int) v[7], (int) v[8], (int) v[9], (int) v[10], (int) v[11], (int) v[12],
            (int) v[13], (int) v[14]);
        if (t.flags() != 0) {
          throw XnnGraph.invalid(where + " " + node.where() + ": unsupported flags 0x" + Long.toHexString(t.flags()));
        }
        XTensor in = r.get(t.input1Id(), "input");
        XTensor filter = r.get(t.filterId(), "filter");
        XTensor bias = r.optional(t.biasId(), "bias");
        XTensor out = r.get(t.outputId(), "output");
        Conv2dOp.Kind kind = switch (node.kind()) {
          case DEPTHWISE_CONV2D -> Conv2dOp.Kind.DEPTHWISE;
          case CONV_TRANSPOSE2D -> Conv2dOp.Kind.TRANSPOSED;
          default -> Conv2dOp.Kind.CONV;
        };
        if (in.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8) {
          yield new StaticQuantizedConv2dOp(node, where, kind, geo, in, filter, bias, out);
        }
        if (in.type == org.et4j.backends.xnnpack.XnnDatatype.QDINT8) {
          yield new QuantizedConv2dOp(node, where, kind, geo, in, filter, bias, out);
        }
        yield new Conv2dOp(node, where, kind, geo, in, filter, bias, out);
      }
      case MAX_POOLING_2D, AVG_POOLING_2D -> {
        NodePooling2D t = (NodePooling2D) node.table();
        long[] p = {t.paddingTop(), t.paddingRight(), t.paddingBottom(), t.paddingLeft(), t.poolingHeight(),
            t.poolingWidth(), t.strideHeight(), t.strideWidth(), t.dilationHeight(), t.dilationWidth()};
        XTensor pin = r.get(t.inputId(), "input");
        if (pin.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8 && node.kind() == XnnNodeKind.MAX_POOLING_2D) {
          yield new StaticQuantizedPoolingOp(node, where, pin, r.get(t.outputId(), "output"), p);
        }
        yield new Pooling2dOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), p);
      }
      case GLOBAL_AVG_POOLING_2D -> {
        Node1x1 t = (Node1x1) node.table();
        XTensor gin = r.get(t.inputId(), "input");
        if (gin.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8) {
          yield new StaticQuantizedPoolingOp(node, where, gin, r.get(t.outputId(), "output"), new long[10]);
        }
        yield new Pooling2dOp(node, where, gin, r.get(t.outputId(), "output"), new long[0]);
      }
      case STATIC_RESIZE_BILINEAR_2D -> {
        XNNStaticResizeBilinear2D t = (XNNStaticResizeBilinear2D) node.table();
        yield new Pooling2dOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"),
            new long[] {t.newHeight(), t.newWidth(), t.flags()});
      }
      default -> throw r.notImplemented("et4j does not run " + node.kind().schemaName() + " nodes yet");
    };
  }
}
