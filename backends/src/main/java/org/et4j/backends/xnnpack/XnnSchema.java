package org.et4j.backends.xnnpack;

import static org.et4j.runtime.internal.format.FlatbufferVerifier.table;

import org.et4j.runtime.internal.format.FlatbufferVerifier.TableSpec;

/**
 * The shape of et4j's XNNPACK schema ({@code flatbuffer-schema/src/main/fbs/xnnpack_graph.fbs})
 * for the flatbuffer verifier: every table with its fields in slot order, every union with its
 * members in tag order. Keep in step with the .fbs file (the schema tests decode real payloads
 * through both).
 */
final class XnnSchema {
  private XnnSchema() {}

  static final TableSpec BUFFER = table("XNNBuffer").vector("storage", 1);
  static final TableSpec PER_CHANNEL =
      table("PerChannelQuant").vector("scale", 4).scalar("channel_dim", 4)
          .scalar("scale_buffer_idx", 4).scalar("num_scales", 4);
  static final TableSpec PER_TENSOR = table("PerTensorQuant").scalar("scale", 4).scalar("zero_point", 4);
  static final TableSpec PER_TOKEN = table("PerTokenDynamicQuant").scalar("num_nonbatch_dims", 4);
  static final TableSpec PER_CHANNEL_GROUP =
      table("PerChannelGroupQuant").vector("scale", 4).scalar("channel_dim", 4).scalar("group_size", 4)
          .vector("scale_bf16", 2).scalar("scale_buffer_idx", 4).scalar("num_scales", 4);
  static final TableSpec TENSOR_VALUE =
      table("XNNTensorValue").scalar("datatype", 2).scalar("num_dims", 4).vector("dims", 4)
          .scalar("constant_buffer_idx", 4).scalar("external_id", 4).scalar("flags", 4)
          .scalar("id_out", 4).scalar("dq_datatype", 2);
  static final TableSpec QUANTIZED_TENSOR_VALUE =
      table("XNNQuantizedTensorValue").table("tensor_value", TENSOR_VALUE)
          .union("quant_params", PER_CHANNEL, PER_TENSOR, PER_TOKEN, PER_CHANNEL_GROUP);
  static final TableSpec XVALUE = table("XValue").union("xvalue_union", TENSOR_VALUE, QUANTIZED_TENSOR_VALUE);

  static final TableSpec NODE_2X1 =
      table("Node2x1").scalar("input1_id", 4).scalar("input2_id", 4).scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec NODE_1X1 =
      table("Node1x1").scalar("input_id", 4).scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec NODE_CAT =
      table("NodeCat").scalar("axis", 4).scalar("input1_id", 4).scalar("input2_id", 4).scalar("input3_id", 4)
          .scalar("input4_id", 4).scalar("output_id", 4).scalar("flags", 4).scalar("input5_id", 4);
  static final TableSpec NODE_CONV = uints("NodeConv",
      "padding_top", "padding_right", "padding_bottom", "padding_left", "kernel_height", "kernel_width",
      "subsampling_height", "subsampling_width", "dilation_height", "dilation_width",
      "group_input_channels", "group_output_channels", "groups", "adjustment_height", "adjustment_width",
      "input1_id", "filter_id", "bias_id", "output_id", "flags");
  static final TableSpec NODE_POOL = uints("NodePooling2D",
      "padding_top", "padding_right", "padding_bottom", "padding_left", "pooling_height", "pooling_width",
      "stride_height", "stride_width", "dilation_height", "dilation_width", "input_id", "output_id", "flags");
  static final TableSpec FULLY_CONNECTED =
      uints("XNNFullyConnected", "input1_id", "filter_id", "bias_id", "output_id", "flags");
  static final TableSpec TRANSPOSE =
      table("XNNStaticTranspose").scalar("num_dims", 4).vector("perm", 4).scalar("input_id", 4)
          .scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec RESIZE =
      uints("XNNStaticResizeBilinear2D", "new_height", "new_width", "input_id", "output_id", "flags");
  static final TableSpec PAD =
      table("XNNStaticConstantPad").vector("pre_paddings", 4).vector("post_paddings", 4)
          .scalar("padding_value", 4).scalar("input_id", 4).scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec ELU = uints("XNNELU", "alpha", "input_id", "output_id", "flags");
  static final TableSpec RESHAPE =
      table("XNNStaticReshape").scalar("num_dims", 4).vector("new_shape", 4).scalar("input_id", 4)
          .scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec SLICE =
      table("XNNStaticSlice").scalar("num_dims", 4).vector("offsets", 4).vector("sizes", 4)
          .scalar("input_id", 4).scalar("output_id", 4).scalar("flags", 4);
  static final TableSpec SDPA = uints("XNNScaledDotProductAttention",
      "query_id", "key_id", "value_id", "scale_id", "mask_id", "output_id", "flags");
  static final TableSpec ARG_MAX_POOL = uints("XNNArgMaxPooling2d",
      "padding_top", "padding_right", "padding_bottom", "padding_left", "pooling_height", "pooling_width",
      "input_id", "output_value_id", "output_index_id", "flags");
  static final TableSpec LEAKY_RELU = uints("XNNLeakyReLU", "negative_slope", "input_id", "output_id", "flags");

  /** The node table of each union member, in tag order (see {@link XnnNodeKind}). */
  static TableSpec nodeTable(XnnNodeKind kind) {
    return switch (kind) {
      case ADD, DIV, MINIMUM, MULTIPLY, SUBTRACT, MAXIMUM, PRELU, BATCH_MATRIX_MULTIPLY -> NODE_2X1;
      case FULLY_CONNECTED -> FULLY_CONNECTED;
      case STATIC_TRANSPOSE -> TRANSPOSE;
      case CONV2D, DEPTHWISE_CONV2D, CONV_TRANSPOSE2D -> NODE_CONV;
      case STATIC_RESIZE_BILINEAR_2D -> RESIZE;
      case STATIC_CONSTANT_PAD -> PAD;
      case AVG_POOLING_2D, MAX_POOLING_2D -> NODE_POOL;
      case STATIC_RESHAPE -> RESHAPE;
      case ARG_MAX_POOLING_2D -> ARG_MAX_POOL;
      case LEAKY_RELU -> LEAKY_RELU;
      case ELU -> ELU;
      case CONCATENATE2, CONCATENATE3, CONCATENATE4, CONCATENATE5 -> NODE_CAT;
      case STATIC_SLICE -> SLICE;
      case SCALED_DOT_PRODUCT_ATTENTION -> SDPA;
      default -> NODE_1X1;
    };
  }

  static final TableSpec OUTPUT_MIN_MAX = table("OutputMinMax").scalar("output_min", 4).scalar("output_max", 4);
  static final TableSpec XNODE;

  static {
    XnnNodeKind[] kinds = XnnNodeKind.values();
    // Every tag a ubyte can hold: flatbuffers' verifier lets unknown union members through and
    // XNNCompiler answers NotImplemented for a node type it does not know (a newer exporter's),
    // so the verifier only checks that such a member is a table and the decoder names the tag.
    TableSpec unknown = table("unknown XNode member");
    TableSpec[] members = new TableSpec[255];
    for (int i = 0; i < members.length; i++) {
      members[i] = i < kinds.length ? nodeTable(kinds[i]) : unknown;
    }
    XNODE = table("XNode").union("xnode_union", members).scalar("debug_handle", 4)
        .table("output_min_max", OUTPUT_MIN_MAX);
  }

  static final TableSpec CONSTANT_DATA_OFFSET =
      table("ConstantDataOffset").scalar("offset", 8).scalar("size", 8).string("named_key");

  /** Root of an XNNPACK payload's flatbuffer. */
  static final TableSpec GRAPH =
      table("XNNGraph").string("version").tableVector("xnodes", XNODE).tableVector("xvalues", XVALUE)
          .scalar("num_externs", 4).vector("input_ids", 4).vector("output_ids", 4)
          .tableVector("constant_buffer", BUFFER).vector("mem_buffer_sizes", 4)
          .tableVector("constant_data", CONSTANT_DATA_OFFSET);

  private static TableSpec uints(String name, String... fields) {
    TableSpec t = table(name);
    for (String f : fields) {
      t.scalar(f, 4);
    }
    return t;
  }
}
