package org.et4j.backends.xnnpack.nativebridge;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.backends.xnnpack.XnnQuant;
import org.et4j.backends.xnnpack.XnnValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.Node2x1;
import org.et4j.schema.xnnpack.NodeCat;
import org.et4j.schema.xnnpack.NodeConv;
import org.et4j.schema.xnnpack.NodePooling2D;
import org.et4j.schema.xnnpack.XNNArgMaxPooling2d;
import org.et4j.schema.xnnpack.XNNELU;
import org.et4j.schema.xnnpack.XNNFullyConnected;
import org.et4j.schema.xnnpack.XNNLeakyReLU;
import org.et4j.schema.xnnpack.XNNStaticConstantPad;
import org.et4j.schema.xnnpack.XNNStaticReshape;
import org.et4j.schema.xnnpack.XNNStaticResizeBilinear2D;
import org.et4j.schema.xnnpack.XNNStaticSlice;
import org.et4j.schema.xnnpack.XNNStaticTranspose;

/**
 * Defines a decoded XNNPACK graph in the native library, as ExecuTorch's
 * {@code XNNCompiler::compileModel} does: every value (with its quantization parameters and its
 * constant bytes), every node through the C API's definer for its kind, then the runtime with
 * the threadpool. The graph was validated by et4j before it gets here, so the arrays handed to
 * XNNPACK (dims, perms, paddings) have the lengths XNNPACK will read.
 */
final class NativeXnnDefiner {
  private final XnnLibrary lib;
  private final XnnGraph graph;
  private final Arena arena;
  private final MemorySegment idOut;
  private final Map<Long, Integer> remapped = new HashMap<>();
  private final Map<Long, XnnValue> byId = new HashMap<>();
  private MemorySegment subgraph = MemorySegment.NULL;

  private NativeXnnDefiner(XnnLibrary lib, XnnGraph graph, Arena arena) {
    this.lib = lib;
    this.graph = graph;
    this.arena = arena;
    this.idOut = arena.allocate(ValueLayout.JAVA_INT);
  }

  /**
   * The runtime for {@code graph} on {@code threads} threads. With {@code exposeIntermediates},
   * every node output that is not already a graph output becomes an extra external output (ids
   * after the graph's own), so a comparison tool can read each node's result.
   */
  static NativeXnnRuntime compile(XnnLibrary lib, XnnGraph graph, int threads, boolean exposeIntermediates) {
    Arena arena = Arena.ofShared();
    NativeXnnDefiner d = new NativeXnnDefiner(lib, graph, arena);
    try {
      return d.define(threads, exposeIntermediates);
    } catch (Throwable t) {
      arena.close();
      throw t;
    } finally {
      d.deleteSubgraph();
    }
  }

  private NativeXnnRuntime define(int threads, boolean exposeIntermediates) {
    List<XnnValue> exposed = new ArrayList<>();
    if (exposeIntermediates) {
      for (XnnValue v : graph.values()) {
        if (!v.isConstant() && !v.externalInput() && !v.externalOutput() && v.datatype() != XnnDatatype.QDINT8) {
          exposed.add(v);
        }
      }
    }
    int externals = graph.numExterns() + exposed.size();
    MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
    call("xnn_create_subgraph", lib.createSubgraph, externals, 0, out);
    subgraph = out.get(ValueLayout.ADDRESS, 0);
    remapped.put(XnnValue.INVALID_ID, XnnLibrary.INVALID_VALUE_ID);
    Map<XnnValue, Integer> exposedIds = new HashMap<>();
    for (int i = 0; i < exposed.size(); i++) {
      exposedIds.put(exposed.get(i), graph.numExterns() + i);
    }
    for (XnnValue v : graph.values()) {
      Integer extra = exposedIds.get(v);
      defineValue(v, extra);
      byId.put(Integer.toUnsignedLong(v.id()), v);
    }
    for (XnnGraph.Node node : graph.nodes()) {
      defineNode(node);
    }
    MemorySegment runtimeOut = arena.allocate(ValueLayout.ADDRESS);
    call("xnn_create_runtime_v4", lib.createRuntimeV4, subgraph, MemorySegment.NULL, MemorySegment.NULL,
        lib.threadpool(threads), 0, runtimeOut);
    MemorySegment runtime = runtimeOut.get(ValueLayout.ADDRESS, 0);
    NativeXnnRuntime.Extra extra = exposed.isEmpty()
        ? null
        : new NativeXnnRuntime.Extra(exposed.toArray(XnnValue[]::new), new MemorySegment[exposed.size()],
            new long[exposed.size()][]);
    return new NativeXnnRuntime(lib, graph, arena, runtime, extra);
  }

  private void deleteSubgraph() {
    if (!subgraph.equals(MemorySegment.NULL)) {
      try {
        int ignored = (int) lib.deleteSubgraph.invokeExact(subgraph);
      } catch (Throwable t) {
        // The subgraph is only needed until the runtime exists.
      }
      subgraph = MemorySegment.NULL;
    }
  }

  /** ExecuTorch's {@code getDataType}: the payload's datatype codes to {@code enum xnn_datatype}. */
  static int xnnDatatype(XnnDatatype dt) {
    return switch (dt) {
      case FP32 -> XnnLibrary.DT_FP32;
      case FP16 -> XnnLibrary.DT_FP16;
      case QINT8 -> XnnLibrary.DT_QINT8;
      case QUINT8 -> XnnLibrary.DT_QUINT8;
      case QINT32 -> XnnLibrary.DT_QINT32;
      case QCINT8 -> XnnLibrary.DT_QCINT8;
      case QCINT32 -> XnnLibrary.DT_QCINT32;
      case QCINT4 -> XnnLibrary.DT_QCINT4;
      case QDINT8 -> XnnLibrary.DT_QDINT8;
      case QBINT4 -> XnnLibrary.DT_QBINT4;
      case QPINT8 -> XnnLibrary.DT_QPINT8;
      case INT32 -> XnnLibrary.DT_INT32;
      case PFP32 -> XnnLibrary.DT_PFP32;
      case BF16 -> XnnLibrary.DT_BF16;
      case INVALID -> throw new IllegalArgumentException("invalid datatype");
    };
  }

  private void defineValue(XnnValue v, Integer exposedId) {
    String what = graph.where + " " + v.describe();
    MemorySegment dims = sizes(v.dims());
    int flags = (v.externalInput() ? XnnLibrary.VALUE_FLAG_EXTERNAL_INPUT : 0)
        | (v.externalOutput() ? XnnLibrary.VALUE_FLAG_EXTERNAL_OUTPUT : 0);
    int externalId = v.externalIndex() >= 0 ? v.externalIndex() : XnnLibrary.INVALID_VALUE_ID;
    if (exposedId != null) {
      flags |= XnnLibrary.VALUE_FLAG_EXTERNAL_OUTPUT;
      externalId = exposedId;
    }
    MemorySegment data = constant(v);
    int dt = xnnDatatype(v.datatype());
    long rank = v.dims().length;
    XnnQuant q = v.quant();
    if (q == null) {
      call("xnn_define_tensor_value for " + what, lib.defineTensorValue, subgraph, dt, rank, dims, data, externalId,
          flags, idOut);
    } else if (q instanceof XnnQuant.PerTensor p) {
      call("xnn_define_quantized_tensor_value for " + what, lib.defineQuantizedTensorValue, subgraph, dt,
          p.zeroPoint(), p.scale(), rank, dims, data, externalId, flags, idOut);
    } else if (q instanceof XnnQuant.PerChannel p) {
      MemorySegment scales = arena.allocateFrom(ValueLayout.JAVA_FLOAT, p.scales());
      int zeroPoint = v.datatype() == XnnDatatype.QCINT4 ? 8 : 0;
      call("xnn_define_channelwise_quantized_tensor_value_v2 for " + what,
          lib.defineChannelwiseQuantizedTensorValueV2, subgraph, dt, zeroPoint, scales, rank, (long) p.channelDim(),
          dims, data, externalId, flags, idOut);
    } else if (q instanceof XnnQuant.Blockwise p) {
      MemorySegment scales = arena.allocateFrom(ValueLayout.JAVA_SHORT, p.bf16Scales());
      call("xnn_define_blockwise_quantized_tensor_value for " + what, lib.defineBlockwiseQuantizedTensorValue,
          subgraph, dt, 8, scales, rank, (long) p.channelDim(), (long) p.blockSize(), dims, data, externalId, flags,
          idOut);
    } else if (q instanceof XnnQuant.PerToken p) {
      call("xnn_define_dynamically_quantized_tensor_value for " + what, lib.defineDynamicallyQuantizedTensorValue,
          subgraph, dt, rank, (long) p.numNonbatchDims(), dims, externalId, flags, idOut);
    }
    remapped.put(Integer.toUnsignedLong(v.id()), idOut.get(ValueLayout.JAVA_INT, 0));
  }

  /**
   * The value's constant bytes as XNNPACK gets them: the program's own memory when it is native
   * (mapped file, named data), a copy in the delegate's arena when it is on the Java heap.
   */
  private MemorySegment constant(XnnValue v) {
    if (!v.isConstant()) {
      return MemorySegment.NULL;
    }
    MemorySegment c = v.constant();
    if (c.isNative()) {
      return c;
    }
    MemorySegment copy = arena.allocate(Math.max(1, c.byteSize()), 64);
    MemorySegment.copy(c, 0, copy, 0, c.byteSize());
    return copy;
  }

  private MemorySegment sizes(int[] values) {
    MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, values.length));
    for (int i = 0; i < values.length; i++) {
      s.setAtIndex(ValueLayout.JAVA_LONG, i, Integer.toUnsignedLong(values[i]));
    }
    return s;
  }

  private MemorySegment sizes(long[] values) {
    MemorySegment s = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, values.length));
    for (int i = 0; i < values.length; i++) {
      s.setAtIndex(ValueLayout.JAVA_LONG, i, values[i]);
    }
    return s;
  }

  private int id(long serialized, XnnGraph.Node node, String role) {
    Integer id = remapped.get(serialized);
    if (id == null) {
      throw XnnGraph.invalid(graph.where + " " + node.where() + ": " + role + " refers to value " + serialized
          + ", which the graph does not define");
    }
    return id;
  }

  /** The rank of the value {@code serialized} names (for the per-dim arrays XNNPACK reads). */
  private int rankOf(long serialized, XnnGraph.Node node) {
    XnnValue v = byId.get(serialized);
    if (v == null) {
      throw XnnGraph.invalid(graph.where + " " + node.where() + ": no value " + serialized);
    }
    return v.dims().length;
  }

  private void defineNode(XnnGraph.Node node) {
    String what = node.kind().schemaName() + " for " + graph.where + " " + node.where();
    float min = node.outputMin();
    float max = node.outputMax();
    XnnNodeKind kind = node.kind();
    switch (kind) {
      case ADD, SUBTRACT, MULTIPLY, DIV -> binary(node, what, switch (kind) {
        case ADD -> XnnLibrary.BINARY_ADD;
        case SUBTRACT -> XnnLibrary.BINARY_SUBTRACT;
        case MULTIPLY -> XnnLibrary.BINARY_MULTIPLY;
        default -> XnnLibrary.BINARY_DIVIDE;
      }, true);
      case MINIMUM -> binary(node, what, XnnLibrary.BINARY_MINIMUM, false);
      case MAXIMUM -> binary(node, what, XnnLibrary.BINARY_MAXIMUM, false);
      case SIGMOID -> unary(node, what, XnnLibrary.UNARY_SIGMOID, MemorySegment.NULL);
      case FLOOR -> unary(node, what, XnnLibrary.UNARY_FLOOR, MemorySegment.NULL);
      case SQUARE_ROOT -> unary(node, what, XnnLibrary.UNARY_SQUARE_ROOT, MemorySegment.NULL);
      case RECIPROCAL_SQUARE_ROOT -> unary(node, what, XnnLibrary.UNARY_RECIPROCAL_SQUARE_ROOT, MemorySegment.NULL);
      case CEILING -> unary(node, what, XnnLibrary.UNARY_CEILING, MemorySegment.NULL);
      case GELU -> unary(node, what, XnnLibrary.UNARY_GELU, MemorySegment.NULL);
      case HARDSWISH -> unary(node, what, XnnLibrary.UNARY_HARDSWISH, MemorySegment.NULL);
      case LOG -> unary(node, what, XnnLibrary.UNARY_LOG, MemorySegment.NULL);
      case NEGATE -> unary(node, what, XnnLibrary.UNARY_NEGATE, MemorySegment.NULL);
      case SQUARE -> unary(node, what, XnnLibrary.UNARY_SQUARE, MemorySegment.NULL);
      case ABS -> unary(node, what, XnnLibrary.UNARY_ABS, MemorySegment.NULL);
      case SIN -> unary(node, what, XnnLibrary.UNARY_SINE, MemorySegment.NULL);
      case COS -> unary(node, what, XnnLibrary.UNARY_COSINE, MemorySegment.NULL);
      case EXP -> unary(node, what, XnnLibrary.UNARY_EXP, MemorySegment.NULL);
      case TANH -> unary(node, what, XnnLibrary.UNARY_TANH, MemorySegment.NULL);
      case CLAMP -> unary(node, what, XnnLibrary.UNARY_CLAMP, unaryParams(min, max));
      case LEAKY_RELU -> {
        XNNLeakyReLU t = (XNNLeakyReLU) node.table();
        call(what, lib.defineUnary, subgraph, XnnLibrary.UNARY_LEAKY_RELU, unaryParams(t.negativeSlope(), 0f),
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case ELU -> {
        XNNELU t = (XNNELU) node.table();
        call(what, lib.defineUnary, subgraph, XnnLibrary.UNARY_ELU, unaryParams(t.alpha(), 0f),
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case SOFTMAX -> node1x1(node, what, lib.defineSoftmax);
      case CONVERT -> node1x1(node, what, lib.defineConvert);
      case COPY -> node1x1(node, what, lib.defineCopy);
      case GLOBAL_AVG_POOLING_2D -> {
        Node1x1 t = (Node1x1) node.table();
        call(what, lib.defineGlobalAveragePooling2d, subgraph, min, max, id(t.inputId(), node, "input"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case PRELU, BATCH_MATRIX_MULTIPLY -> {
        Node2x1 t = (Node2x1) node.table();
        call(what, kind == XnnNodeKind.PRELU ? lib.definePrelu : lib.defineBatchMatrixMultiply, subgraph,
            id(t.input1Id(), node, "input1"), id(t.input2Id(), node, "input2"), id(t.outputId(), node, "output"),
            (int) t.flags());
      }
      case FULLY_CONNECTED -> {
        XNNFullyConnected t = (XNNFullyConnected) node.table();
        call(what, lib.defineFullyConnected, subgraph, min, max, id(t.input1Id(), node, "input"),
            id(t.filterId(), node, "filter"), id(t.biasId(), node, "bias"), id(t.outputId(), node, "output"),
            (int) t.flags());
      }
      case CONV2D -> {
        NodeConv t = (NodeConv) node.table();
        call(what, lib.defineConvolution2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.kernelHeight(), (int) t.kernelWidth(),
            (int) t.subsamplingHeight(), (int) t.subsamplingWidth(), (int) t.dilationHeight(), (int) t.dilationWidth(),
            (int) t.groups(), t.groupInputChannels(), t.groupOutputChannels(), min, max,
            id(t.input1Id(), node, "input"), id(t.filterId(), node, "filter"), id(t.biasId(), node, "bias"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case DEPTHWISE_CONV2D -> {
        NodeConv t = (NodeConv) node.table();
        if (t.groupInputChannels() == 0) {
          throw XnnGraph.invalid(graph.where + " " + node.where() + ": group_input_channels is 0");
        }
        call(what, lib.defineDepthwiseConvolution2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.kernelHeight(), (int) t.kernelWidth(),
            (int) t.subsamplingHeight(), (int) t.subsamplingWidth(), (int) t.dilationHeight(), (int) t.dilationWidth(),
            (int) (t.groupOutputChannels() / t.groupInputChannels()), t.groups(), min, max,
            id(t.input1Id(), node, "input"), id(t.filterId(), node, "filter"), id(t.biasId(), node, "bias"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case CONV_TRANSPOSE2D -> {
        NodeConv t = (NodeConv) node.table();
        call(what, lib.defineDeconvolution2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.adjustmentHeight(), (int) t.adjustmentWidth(),
            (int) t.kernelHeight(), (int) t.kernelWidth(), (int) t.subsamplingHeight(), (int) t.subsamplingWidth(),
            (int) t.dilationHeight(), (int) t.dilationWidth(), (int) t.groups(), t.groupInputChannels(),
            t.groupOutputChannels(), min, max, id(t.input1Id(), node, "input"), id(t.filterId(), node, "filter"),
            id(t.biasId(), node, "bias"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case AVG_POOLING_2D -> {
        NodePooling2D t = (NodePooling2D) node.table();
        call(what, lib.defineAveragePooling2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.poolingHeight(), (int) t.poolingWidth(),
            (int) t.strideHeight(), (int) t.strideWidth(), min, max, id(t.inputId(), node, "input"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case MAX_POOLING_2D -> {
        NodePooling2D t = (NodePooling2D) node.table();
        call(what, lib.defineMaxPooling2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.poolingHeight(), (int) t.poolingWidth(),
            (int) t.strideHeight(), (int) t.strideWidth(), (int) t.dilationHeight(), (int) t.dilationWidth(), min, max,
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case ARG_MAX_POOLING_2D -> {
        XNNArgMaxPooling2d t = (XNNArgMaxPooling2d) node.table();
        call(what, lib.defineArgmaxPooling2d, subgraph, (int) t.paddingTop(), (int) t.paddingRight(),
            (int) t.paddingBottom(), (int) t.paddingLeft(), (int) t.poolingHeight(), (int) t.poolingWidth(),
            id(t.inputId(), node, "input"), id(t.outputValueId(), node, "output_value"),
            id(t.outputIndexId(), node, "output_index"), (int) t.flags());
      }
      case CONCATENATE2, CONCATENATE3, CONCATENATE4, CONCATENATE5 -> {
        NodeCat t = (NodeCat) node.table();
        int n = switch (kind) {
          case CONCATENATE2 -> 2;
          case CONCATENATE3 -> 3;
          case CONCATENATE4 -> 4;
          default -> 5;
        };
        long[] serialized = {t.input1Id(), t.input2Id(), t.input3Id(), t.input4Id(), t.input5Id()};
        MemorySegment ids = arena.allocate(ValueLayout.JAVA_INT, n);
        for (int k = 0; k < n; k++) {
          ids.setAtIndex(ValueLayout.JAVA_INT, k, id(serialized[k], node, "input" + (k + 1)));
        }
        call(what, lib.defineConcatenate, subgraph, (int) t.axis(), (long) n, ids, id(t.outputId(), node, "output"),
            (int) t.flags());
      }
      case STATIC_RESHAPE -> {
        XNNStaticReshape t = (XNNStaticReshape) node.table();
        long[] shape = new long[t.newShapeLength()];
        for (int k = 0; k < shape.length; k++) {
          shape[k] = t.newShape(k);
        }
        call(what, lib.defineStaticReshape, subgraph, (long) shape.length, sizes(shape), id(t.inputId(), node, "input"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case STATIC_TRANSPOSE -> {
        XNNStaticTranspose t = (XNNStaticTranspose) node.table();
        long[] perm = new long[t.permLength()];
        for (int k = 0; k < perm.length; k++) {
          perm[k] = t.perm(k);
        }
        call(what, lib.defineStaticTranspose, subgraph, (long) perm.length, sizes(perm), id(t.inputId(), node, "input"),
            id(t.outputId(), node, "output"), (int) t.flags());
      }
      case STATIC_SLICE -> {
        XNNStaticSlice t = (XNNStaticSlice) node.table();
        if (t.offsetsLength() != t.sizesLength()) {
          throw XnnGraph.invalid(graph.where + " " + node.where() + ": " + t.offsetsLength() + " offsets but "
              + t.sizesLength() + " sizes");
        }
        long[] offsets = new long[t.offsetsLength()];
        long[] sizes = new long[t.sizesLength()];
        for (int k = 0; k < offsets.length; k++) {
          offsets[k] = t.offsets(k);
          sizes[k] = t.sizes(k);
        }
        call(what, lib.defineStaticSlice, subgraph, (long) offsets.length, sizes(offsets), sizes(sizes),
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case STATIC_CONSTANT_PAD -> {
        XNNStaticConstantPad t = (XNNStaticConstantPad) node.table();
        int rank = rankOf(t.inputId(), node);
        // XNNPACK reads one pre and one post padding per input dim.
        if (t.prePaddingsLength() < rank || t.postPaddingsLength() < rank) {
          throw XnnGraph.invalid(graph.where + " " + node.where() + ": " + t.prePaddingsLength() + " pre and "
              + t.postPaddingsLength() + " post paddings for a rank-" + rank + " input");
        }
        long[] pre = new long[rank];
        long[] post = new long[rank];
        for (int k = 0; k < rank; k++) {
          pre[k] = t.prePaddings(k);
          post[k] = t.postPaddings(k);
        }
        call(what, lib.defineStaticConstantPad, subgraph, sizes(pre), sizes(post), t.paddingValue(),
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case STATIC_RESIZE_BILINEAR_2D -> {
        XNNStaticResizeBilinear2D t = (XNNStaticResizeBilinear2D) node.table();
        call(what, lib.defineStaticResizeBilinear2d, subgraph, t.newHeight(), t.newWidth(),
            id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
      }
      case SCALED_DOT_PRODUCT_ATTENTION -> throw new ExecuTorchException(ErrorCode.NOT_IMPLEMENTED,
          graph.where + " " + node.where() + ": ExecuTorch's XNNPACK runtime does not implement this node");
    }
  }

  private void binary(XnnGraph.Node node, String what, int op, boolean withMinMax) {
    Node2x1 t = (Node2x1) node.table();
    MemorySegment params = MemorySegment.NULL;
    if (withMinMax) {
      // struct xnn_binary_params { double output_min; double output_max; }
      params = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
      params.setAtIndex(ValueLayout.JAVA_DOUBLE, 0, node.outputMin());
      params.setAtIndex(ValueLayout.JAVA_DOUBLE, 1, node.outputMax());
    }
    call(what, lib.defineBinary, subgraph, op, params, id(t.input1Id(), node, "input1"),
        id(t.input2Id(), node, "input2"), id(t.outputId(), node, "output"), (int) t.flags());
  }

  private void unary(XnnGraph.Node node, String what, int op, MemorySegment params) {
    Node1x1 t = (Node1x1) node.table();
    call(what, lib.defineUnary, subgraph, op, params, id(t.inputId(), node, "input"),
        id(t.outputId(), node, "output"), (int) t.flags());
  }

  private void node1x1(XnnGraph.Node node, String what, MethodHandle definer) {
    Node1x1 t = (Node1x1) node.table();
    call(what, definer, subgraph, id(t.inputId(), node, "input"), id(t.outputId(), node, "output"), (int) t.flags());
  }

  /** {@code union xnn_unary_params}: two floats (clamp's min and max; elu's alpha or leaky relu's slope first). */
  private MemorySegment unaryParams(float first, float second) {
    MemorySegment p = arena.allocate(ValueLayout.JAVA_FLOAT, 2);
    p.setAtIndex(ValueLayout.JAVA_FLOAT, 0, first);
    p.setAtIndex(ValueLayout.JAVA_FLOAT, 1, second);
    return p;
  }

  private void call(String what, MethodHandle h, Object... args) {
    int status;
    try {
      status = (int) h.invokeWithArguments(args);
    } catch (Throwable t) {
      throw new ExecuTorchException(ErrorCode.INTERNAL, "native XNNPACK: " + what + " failed: " + t, t);
    }
    if (status != 0) {
      // As ExecuTorch: a definer's refusal fails the delegate's init.
      throw new ExecuTorchException(status == 4 || status == 5 ? ErrorCode.NOT_SUPPORTED : ErrorCode.INTERNAL,
          "native XNNPACK: " + what + " returned " + XnnLibrary.statusName(status));
    }
  }
}
