package org.et4j.backends.xnnpack;

/**
 * The node kinds of an XNNPACK payload, in the order of the schema's {@code XNodeUnion} (the
 * serialized union tag is {@code ordinal() + 1}). Each kind names the portable operator with the
 * same math, so that tools (the conformance suite's tolerances, {@code inspect}) treat a node as
 * they treat that operator.
 */
public enum XnnNodeKind {
  ADD("Add", "aten::add.out"),
  FULLY_CONNECTED("FullyConnected", "aten::linear.out"),
  SOFTMAX("Softmax", "aten::_softmax.out"),
  SIGMOID("Sigmoid", "aten::sigmoid.out"),
  STATIC_TRANSPOSE("StaticTranspose", "aten::permute_copy.out"),
  CLAMP("Clamp", "aten::clamp.out"),
  CONV2D("Conv2d", "aten::convolution.out"),
  DIV("Div", "aten::div.out"),
  STATIC_RESIZE_BILINEAR_2D("StaticResizeBilinear2D", "aten::upsample_bilinear2d.vec_out"),
  STATIC_CONSTANT_PAD("StaticConstantPad", "aten::constant_pad_nd.out"),
  AVG_POOLING_2D("AvgPooling2d", "aten::avg_pool2d.out"),
  MINIMUM("Minimum", "aten::minimum.out"),
  DEPTHWISE_CONV2D("DepthwiseConv2d", "aten::convolution.out"),
  MAX_POOLING_2D("MaxPooling2d", "aten::max_pool2d_with_indices.out"),
  MULTIPLY("Multiply", "aten::mul.out"),
  SUBTRACT("Subtract", "aten::sub.out"),
  FLOOR("Floor", "aten::floor.out"),
  CONVERT("Convert", "quantized_decomposed::quantize_per_token.out"),
  GLOBAL_AVG_POOLING_2D("GlobalAvgPooling2d", "aten::mean.out"),
  STATIC_RESHAPE("StaticReshape", "aten::view_copy.out"),
  ARG_MAX_POOLING_2D("ArgMaxPooling2d", "aten::max_pool2d_with_indices.out"),
  SQUARE_ROOT("SquareRoot", "aten::sqrt.out"),
  CEILING("Ceiling", "aten::ceil.out"),
  HARDSWISH("Hardswish", "aten::hardswish.out"),
  LEAKY_RELU("LeakyReLU", "aten::leaky_relu.out"),
  MAXIMUM("Maximum", "aten::maximum.out"),
  NEGATE("Negate", "aten::neg.out"),
  SQUARE("Square", "aten::mul.out"),
  ELU("ELU", "aten::elu.out"),
  ABS("Abs", "aten::abs.out"),
  PRELU("PReLU", "aten::mul.out"),
  CONCATENATE2("Concatenate2", "aten::cat.out"),
  CONCATENATE3("Concatenate3", "aten::cat.out"),
  CONCATENATE4("Concatenate4", "aten::cat.out"),
  STATIC_SLICE("StaticSlice", "aten::slice_copy.Tensor_out"),
  SCALED_DOT_PRODUCT_ATTENTION("ScaledDotProductAttention", "aten::_scaled_dot_product_attention"),
  BATCH_MATRIX_MULTIPLY("BatchMatrixMultiply", "aten::bmm.out"),
  CONCATENATE5("Concatenate5", "aten::cat.out"),
  CONV_TRANSPOSE2D("ConvTranspose2d", "aten::convolution.out"),
  RECIPROCAL_SQUARE_ROOT("ReciprocalSquareRoot", "aten::rsqrt.out"),
  LOG("Log", "aten::log.out"),
  GELU("Gelu", "aten::gelu.out"),
  TANH("Tanh", "aten::tanh.out"),
  EXP("Exp", "aten::exp.out"),
  SIN("Sin", "aten::sin.out"),
  COPY("Copy", "aten::clone.out"),
  COS("Cos", "aten::cos.out");

  private static final XnnNodeKind[] BY_TAG = values();

  private final String schemaName;
  private final String equivalentOperator;

  XnnNodeKind(String schemaName, String equivalentOperator) {
    this.schemaName = schemaName;
    this.equivalentOperator = equivalentOperator;
  }

  /** The kind with serialized union tag {@code tag} (1-based), or null. */
  public static XnnNodeKind ofTag(int tag) {
    return tag >= 1 && tag <= BY_TAG.length ? BY_TAG[tag - 1] : null;
  }

  /** The serialized union tag. */
  public int tag() {
    return ordinal() + 1;
  }

  /** The name in ExecuTorch's schema without the {@code XNN} prefix, e.g. {@code FullyConnected}. */
  public String schemaName() {
    return schemaName;
  }

  /**
   * The portable operator that computes the same math (e.g. {@code aten::linear.out} for
   * FullyConnected), which names the node's conformance tolerance family.
   */
  public String equivalentOperator() {
    return equivalentOperator;
  }
}
