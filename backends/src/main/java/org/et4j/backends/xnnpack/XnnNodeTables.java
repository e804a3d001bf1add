package org.et4j.backends.xnnpack;

import com.google.flatbuffers.Table;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.Node2x1;
import org.et4j.schema.xnnpack.NodeCat;
import org.et4j.schema.xnnpack.NodeConv;
import org.et4j.schema.xnnpack.NodePooling2D;
import org.et4j.schema.xnnpack.XNNArgMaxPooling2d;
import org.et4j.schema.xnnpack.XNNELU;
import org.et4j.schema.xnnpack.XNNFullyConnected;
import org.et4j.schema.xnnpack.XNNLeakyReLU;
import org.et4j.schema.xnnpack.XNNScaledDotProductAttention;
import org.et4j.schema.xnnpack.XNNStaticConstantPad;
import org.et4j.schema.xnnpack.XNNStaticReshape;
import org.et4j.schema.xnnpack.XNNStaticResizeBilinear2D;
import org.et4j.schema.xnnpack.XNNStaticSlice;
import org.et4j.schema.xnnpack.XNNStaticTranspose;

/** The generated table class of each node kind's parameters (see {@link XnnSchema#nodeTable}). */
final class XnnNodeTables {
  private XnnNodeTables() {}

  static Table newTable(XnnNodeKind kind) {
    return switch (kind) {
      case ADD, DIV, MINIMUM, MULTIPLY, SUBTRACT, MAXIMUM, PRELU, BATCH_MATRIX_MULTIPLY -> new Node2x1();
      case FULLY_CONNECTED -> new XNNFullyConnected();
      case STATIC_TRANSPOSE -> new XNNStaticTranspose();
      case CONV2D, DEPTHWISE_CONV2D, CONV_TRANSPOSE2D -> new NodeConv();
      case STATIC_RESIZE_BILINEAR_2D -> new XNNStaticResizeBilinear2D();
      case STATIC_CONSTANT_PAD -> new XNNStaticConstantPad();
      case AVG_POOLING_2D, MAX_POOLING_2D -> new NodePooling2D();
      case STATIC_RESHAPE -> new XNNStaticReshape();
      case ARG_MAX_POOLING_2D -> new XNNArgMaxPooling2d();
      case LEAKY_RELU -> new XNNLeakyReLU();
      case ELU -> new XNNELU();
      case CONCATENATE2, CONCATENATE3, CONCATENATE4, CONCATENATE5 -> new NodeCat();
      case STATIC_SLICE -> new XNNStaticSlice();
      case SCALED_DOT_PRODUCT_ATTENTION -> new XNNScaledDotProductAttention();
      default -> new Node1x1();
    };
  }
}
