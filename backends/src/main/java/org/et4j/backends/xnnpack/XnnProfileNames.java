package org.et4j.backends.xnnpack;

import java.util.HashMap;
import java.util.Map;
import org.et4j.backends.xnnpack.ops.XTensor;
import org.et4j.backends.xnnpack.ops.XnnOp;
import org.et4j.schema.xnnpack.NodeConv;
import org.et4j.schema.xnnpack.XNNFullyConnected;

/**
 * The names ExecuTorch's XNNPACK profiler gives its events ({@code XNNProfiler::submit_trace}):
 * XNNPACK's operator type name followed by {@code " #<n>"}, the n-th operator of that name in the
 * delegate. et4j runs one operator per node, so each node gets the name of the XNNPACK operator
 * that its kind and datatypes create.
 *
 * <p>The names marked "seen" below are the ones ExecuTorch 1.5.1's runtime wrote for the
 * conformance fixtures; the others follow XNNPACK's naming pattern (operator, layout, datatype,
 * microkernel family) and may differ in detail from XNNPACK's own.
 */
final class XnnProfileNames {
  private XnnProfileNames() {}

  static String[] of(XnnOp[] ops, XnnGraph graph) {
    String[] names = new String[ops.length];
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < ops.length; i++) {
      String base = operatorName(ops[i], graph);
      names[i] = base + " #" + counts.merge(base, 1, Integer::sum);
    }
    return names;
  }

  /** XNNPACK's name for a width-only copy: {@code X32}, {@code X16} or {@code X8}. */
  private static String bits(XTensor t) {
    return "X" + (8 * Math.max(1, t.type.storageBytes(1, 1)));
  }

  private static String floatType(XnnDatatype t) {
    return switch (t) {
      case FP16 -> "F16";
      case BF16 -> "BF16";
      default -> "F32";
    };
  }

  /** The datatype of the node's filter (weights are packed at init, so they are not among the op's inputs). */
  private static XnnDatatype filterType(XnnOp op, XnnGraph graph) {
    long id = switch (op.node().table()) {
      case XNNFullyConnected fc -> fc.filterId();
      case NodeConv conv -> conv.filterId();
      default -> XnnValue.INVALID_ID;
    };
    XnnValue v = graph.byId.get(id);
    return v == null ? XnnDatatype.FP32 : v.datatype();
  }

  static String operatorName(XnnOp op, XnnGraph graph) {
    XTensor in = op.inputs().length > 0 ? op.inputs()[0] : op.outputs()[0];
    XnnDatatype t = in.type;
    return switch (op.node().kind()) {
      case FULLY_CONNECTED -> {
        XnnDatatype w = filterType(op, graph);
        yield switch (t) {
          // seen: "Fully Connected (NC, QDU8, F32, QC8W) GEMM", "... QB4W) GEMM"
          case QDINT8 -> "Fully Connected (NC, QDU8, F32, " + weight(w) + ") GEMM";
          // seen: "Fully Connected (NC, QS8, QC8W) GEMM"
          case QINT8 -> "Fully Connected (NC, QS8, " + weight(w) + ") GEMM";
          // seen: F32 and F16
          default -> "Fully Connected (NC, " + floatType(t) + ") GEMM";
        };
      }
      case CONV2D, DEPTHWISE_CONV2D, CONV_TRANSPOSE2D -> {
        // XNNPACK's subgraph runs an unpadded 1x1 stride-1 float convolution of one group as a
        // fully-connected operator (seen: mobilenet_v2's pointwise layers, "Fully Connected (NC,
        // F32) GEMM" in ExecuTorch's ETDump).
        if (op.node().kind() == XnnNodeKind.CONV2D && (t == XnnDatatype.FP32 || t == XnnDatatype.FP16)
            && op.node().table() instanceof NodeConv c && c.groups() == 1 && "GEMM".equals(convolutionFamily(op))) {
          yield "Fully Connected (NC, " + floatType(t) + ") GEMM";
        }
        String name = op.node().kind() == XnnNodeKind.CONV_TRANSPOSE2D ? "Deconvolution" : "Convolution";
        String family = convolutionFamily(op);
        yield switch (t) {
          case QINT8 -> name + " (NHWC, QC8) " + family; // seen: IGEMM
          case QDINT8 -> name + " (NHWC, QD8, F32, QC8W) " + family;
          default -> name + " (NHWC, " + floatType(t) + ") " + family; // seen: F32 IGEMM
        };
      }
      case MAX_POOLING_2D -> t == XnnDatatype.QINT8 ? "Max Pooling (NHWC, S8)" : "Max Pooling (NHWC, " + floatType(t) + ")"; // seen
      case ARG_MAX_POOLING_2D -> "ArgMax Pooling (NHWC, " + floatType(t) + ")";
      case AVG_POOLING_2D -> "Average Pooling (NHWC, " + floatType(t) + ")";
      case GLOBAL_AVG_POOLING_2D -> "Global Average Pooling (NWC, " + floatType(t) + ")";
      case STATIC_TRANSPOSE -> "Transpose (ND, " + bits(in) + ")"; // seen: X32, X8
      case STATIC_RESHAPE -> "Static Reshape (NC)"; // seen
      case COPY -> "Copy (NC, " + bits(in) + ")"; // seen
      case CONCATENATE2, CONCATENATE3, CONCATENATE4, CONCATENATE5 -> "Copy (NC, " + bits(in) + ")";
      case STATIC_SLICE -> "Slice (ND, " + bits(in) + ")";
      case STATIC_CONSTANT_PAD -> "Constant Pad (ND, " + bits(in) + ")";
      case STATIC_RESIZE_BILINEAR_2D -> "Resize Bilinear (NHWC, " + floatType(t) + ")";
      case BATCH_MATRIX_MULTIPLY -> "Batch Matrix Multiply (NC, " + floatType(t) + ") GEMM"; // seen
      case SCALED_DOT_PRODUCT_ATTENTION -> "Scaled Dot-Product Attention (NHTC, " + floatType(t) + ")";
      case SOFTMAX -> "Softmax (NC, " + floatType(t) + ")"; // seen
      case ADD -> "Add (ND)"; // seen
      case SUBTRACT -> "Subtract (ND)"; // seen
      case MULTIPLY -> "Multiply (ND)"; // seen
      case DIV -> "Divide (ND)"; // seen
      case MINIMUM -> "Minimum (ND)";
      case MAXIMUM -> "Maximum (ND)";
      case PRELU -> "PReLU (NC)";
      case CONVERT -> "Convert (NC)"; // seen
      case CLAMP -> "Clamp (NC)"; // seen
      case SIGMOID -> "Sigmoid (NC)"; // seen
      case TANH -> "TanH (NC)"; // seen
      case GELU -> "GELU (NC)"; // seen
      case SQUARE -> "Square (NC)"; // seen
      case RECIPROCAL_SQUARE_ROOT -> "Reciprocal Square Root (NC)"; // seen
      case SQUARE_ROOT -> "Square Root (NC)";
      case HARDSWISH -> "HardSwish (NC)";
      case LEAKY_RELU -> "Leaky ReLU (NC)";
      case ELU -> "ELU (NC)";
      case NEGATE -> "Negate (NC)";
      case ABS -> "Abs (NC)";
      case FLOOR -> "Floor (NC)";
      case CEILING -> "Ceiling (NC)";
      case EXP -> "Exp (NC)";
      case LOG -> "Log (NC)";
      case SIN -> "Sine (NC)";
      case COS -> "Cosine (NC)";
    };
  }

  /**
   * The microkernel family XNNPACK's convolution picks ({@code convolution-nhwc.c}): depthwise for
   * one input and one output channel per group over several groups, a plain GEMM for an unpadded
   * 1x1 stride-1 kernel, else the indirect GEMM. The node kind does not decide it: a
   * "depthwise" node over one input channel (digits_cnn's first layer) runs as IGEMM.
   */
  private static String convolutionFamily(XnnOp op) {
    if (!(op.node().table() instanceof NodeConv c)) {
      return "IGEMM";
    }
    // The exporter writes the real groups and per-group channels for both node kinds.
    if (op.node().kind() != XnnNodeKind.CONV_TRANSPOSE2D && c.groupInputChannels() == 1 && c.groupOutputChannels() == 1
        && c.groups() > 1) {
      return "DWConv";
    }
    boolean pointwise = c.kernelHeight() == 1 && c.kernelWidth() == 1 && c.subsamplingHeight() == 1
        && c.subsamplingWidth() == 1 && c.paddingTop() == 0 && c.paddingBottom() == 0 && c.paddingLeft() == 0
        && c.paddingRight() == 0;
    return pointwise ? "GEMM" : "IGEMM";
  }

  private static String weight(XnnDatatype w) {
    return switch (w) {
      case QBINT4 -> "QB4W";
      case QCINT4 -> "QC4W";
      default -> "QC8W";
    };
  }
}
