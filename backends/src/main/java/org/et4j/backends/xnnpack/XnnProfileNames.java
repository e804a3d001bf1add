package org.et4j.backends.xnnpack;

import java.util.HashMap;
import java.util.Map;
import org.et4j.backends.xnnpack.ops.XTensor;
import org.et4j.backends.xnnpack.ops.XnnOp;

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

  static String[] of(XnnOp[] ops) {
    String[] names = new String[ops.length];
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < ops.length; i++) {
      String base = operatorName(ops[i]);
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

  static String operatorName(XnnOp op) {
    XTensor in = op.inputs().length > 0 ? op.inputs()[0] : op.outputs()[0];
    XnnDatatype t = in.type;
    return switch (op.node().kind()) {
      case FULLY_CONNECTED -> {
        XnnDatatype w = op.inputs()[1].type;
        yield switch (t) {
          // seen: "Fully Connected (NC, QDU8, F32, QC8W) GEMM", "... QB4W) GEMM"
          case QDINT8 -> "Fully Connected (NC, QDU8, F32, " + weight(w) + ") GEMM";
          // seen: "Fully Connected (NC, QS8, QC8W) GEMM"
          case QINT8 -> "Fully Connected (NC, QS8, " + weight(w) + ") GEMM";
          // seen: F32 and F16
          default -> "Fully Connected (NC, " + floatType(t) + ") GEMM";
        };
      }
      case CONV2D, CONV_TRANSPOSE2D -> {
        String name = op.node().kind() == XnnNodeKind.CONV2D ? "Convolution" : "Deconvolution";
        int[] filter = op.inputs()[1].dims;
        boolean pointwise = filter.length == 4 && filter[1] == 1 && filter[2] == 1;
        String family = op.node().kind() == XnnNodeKind.CONV2D && pointwise ? "GEMM" : "IGEMM";
        yield switch (t) {
          case QINT8 -> name + " (NHWC, QC8) " + family; // seen: IGEMM
          case QDINT8 -> name + " (NHWC, QD8, F32, QC8W) " + family;
          default -> name + " (NHWC, " + floatType(t) + ") " + family; // seen: F32 IGEMM
        };
      }
      case DEPTHWISE_CONV2D -> t == XnnDatatype.QINT8 ? "Convolution (NHWC, QC8) DWConv" : "Convolution (NHWC, " + floatType(t) + ") DWConv";
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

  private static String weight(XnnDatatype w) {
    return switch (w) {
      case QBINT4 -> "QB4W";
      case QCINT4 -> "QC4W";
      default -> "QC8W";
    };
  }
}
