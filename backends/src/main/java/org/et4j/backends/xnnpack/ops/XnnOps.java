package org.et4j.backends.xnnpack.ops;

import java.util.Map;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.Node2x1;
import org.et4j.schema.xnnpack.NodeCat;
import org.et4j.schema.xnnpack.XNNELU;
import org.et4j.schema.xnnpack.XNNFullyConnected;
import org.et4j.schema.xnnpack.XNNLeakyReLU;
import org.et4j.schema.xnnpack.XNNStaticConstantPad;
import org.et4j.schema.xnnpack.XNNStaticReshape;
import org.et4j.schema.xnnpack.XNNStaticSlice;
import org.et4j.schema.xnnpack.XNNStaticTranspose;

/**
 * Builds the operator of each node, as XNNCompiler's {@code getDefineNodeFunc} table: reads the
 * node's parameter table, resolves its value ids (InvalidProgram for an id the graph does not
 * define) and lets the operator validate and pack what it needs.
 */
public final class XnnOps {
  private XnnOps() {}

  /** True when et4j runs nodes of this kind. */
  public static boolean supports(org.et4j.backends.xnnpack.XnnNodeKind kind) {
    return kind != null;
  }

  /** True when et4j runs values of this datatype (in the node kinds that take it). */
  public static boolean supports(org.et4j.backends.xnnpack.XnnDatatype type) {
    return switch (type) {
      case FP32, FP16, BF16, INT32, QINT8, QINT32, QCINT32, QDINT8, QCINT8, QCINT4, QBINT4 -> true;
      default -> false;
    };
  }

  /** The operator for {@code node}, over the runtime values {@code byId}. */
  public static XnnOp create(XnnGraph.Node node, XnnGraph g, Map<Long, XTensor> byId) {
    String where = g.where;
    Resolver r = new Resolver(node, g, byId);
    return switch (node.kind()) {
      case ADD, SUBTRACT, MULTIPLY, DIV, MINIMUM, MAXIMUM, PRELU -> {
        Node2x1 t = (Node2x1) node.table();
        XTensor a = r.get(t.input1Id(), "input1");
        if (a.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8) {
          yield new StaticQuantizedElementwiseOp(node, where, a, r.get(t.input2Id(), "input2"),
              r.get(t.outputId(), "output"));
        }
        yield new BinaryElementwiseOp(node, where, r.get(t.input1Id(), "input1"), r.get(t.input2Id(), "input2"),
            r.get(t.outputId(), "output"));
      }
      case CLAMP -> {
        Node1x1 t = (Node1x1) node.table();
        XTensor in = r.get(t.inputId(), "input");
        if (in.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8) {
          yield new StaticQuantizedElementwiseOp(node, where, in, null, r.get(t.outputId(), "output"));
        }
        yield new UnaryElementwiseOp(node, where, in, r.get(t.outputId(), "output"), 0f);
      }
      case SIGMOID, FLOOR, SQUARE_ROOT, CEILING, HARDSWISH, NEGATE, SQUARE, ABS, RECIPROCAL_SQUARE_ROOT,
          LOG, GELU, TANH, EXP, SIN, COS, COPY -> {
        Node1x1 t = (Node1x1) node.table();
        yield new UnaryElementwiseOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), 0f);
      }
      case LEAKY_RELU -> {
        XNNLeakyReLU t = (XNNLeakyReLU) node.table();
        yield new UnaryElementwiseOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"),
            t.negativeSlope());
      }
      case ELU -> {
        XNNELU t = (XNNELU) node.table();
        yield new UnaryElementwiseOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), t.alpha());
      }
      case FULLY_CONNECTED -> {
        XNNFullyConnected t = (XNNFullyConnected) node.table();
        XTensor in = r.get(t.input1Id(), "input");
        XTensor filter = r.get(t.filterId(), "filter");
        XTensor bias = r.optional(t.biasId(), "bias");
        XTensor out = r.get(t.outputId(), "output");
        if (in.type == org.et4j.backends.xnnpack.XnnDatatype.QINT8) {
          yield new StaticQuantizedFullyConnectedOp(node, where, in, filter, bias, out, r.flags(t.flags()));
        }
        if (in.type == org.et4j.backends.xnnpack.XnnDatatype.QDINT8) {
          yield new QuantizedFullyConnectedOp(node, where, in, filter, bias, out, r.flags(t.flags()));
        }
        yield new FullyConnectedOp(node, where, in, filter, bias, out, r.flags(t.flags()), g);
      }
      case SOFTMAX -> {
        Node1x1 t = (Node1x1) node.table();
        yield new SoftmaxOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"));
      }
      case CONVERT -> {
        Node1x1 t = (Node1x1) node.table();
        yield new ConvertOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), g);
      }
      case STATIC_TRANSPOSE -> {
        XNNStaticTranspose t = (XNNStaticTranspose) node.table();
        long[] perm = new long[t.permLength()];
        for (int i = 0; i < perm.length; i++) {
          perm[i] = t.perm(i);
        }
        yield new StaticTransposeOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), perm);
      }
      case STATIC_RESHAPE -> {
        XNNStaticReshape t = (XNNStaticReshape) node.table();
        if (t.newShapeLength() == 0 && t.newShapeVector() == null) {
          throw XnnGraph.invalid(where + " " + node.where() + ": new_shape is missing");
        }
        long[] shape = new long[t.newShapeLength()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = t.newShape(i);
        }
        yield new StaticReshapeOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), shape);
      }
      case STATIC_SLICE -> {
        XNNStaticSlice t = (XNNStaticSlice) node.table();
        long[] offsets = new long[t.offsetsLength()];
        long[] sizes = new long[t.sizesLength()];
        for (int i = 0; i < offsets.length; i++) {
          offsets[i] = t.offsets(i);
        }
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = t.sizes(i);
        }
        yield new StaticSliceOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), offsets, sizes);
      }
      case STATIC_CONSTANT_PAD -> {
        XNNStaticConstantPad t = (XNNStaticConstantPad) node.table();
        long[] pre = new long[t.prePaddingsLength()];
        long[] post = new long[t.postPaddingsLength()];
        for (int i = 0; i < pre.length; i++) {
          pre[i] = t.prePaddings(i);
        }
        for (int i = 0; i < post.length; i++) {
          post[i] = t.postPaddings(i);
        }
        yield new StaticConstantPadOp(node, where, r.get(t.inputId(), "input"), r.get(t.outputId(), "output"), pre,
            post, t.paddingValue());
      }
      case CONCATENATE2, CONCATENATE3, CONCATENATE4, CONCATENATE5 -> {
        NodeCat t = (NodeCat) node.table();
        int count = node.kind().ordinal() - org.et4j.backends.xnnpack.XnnNodeKind.CONCATENATE2.ordinal() + 2;
        if (node.kind() == org.et4j.backends.xnnpack.XnnNodeKind.CONCATENATE5) {
          count = 5;
        }
        long[] ids = {t.input1Id(), t.input2Id(), t.input3Id(), t.input4Id(), t.input5Id()};
        XTensor[] parts = new XTensor[count];
        for (int i = 0; i < count; i++) {
          parts[i] = r.get(ids[i], "input" + (i + 1));
        }
        yield new ConcatenateOp(node, where, parts, r.get(t.outputId(), "output"), t.axis());
      }
      case BATCH_MATRIX_MULTIPLY -> {
        Node2x1 t = (Node2x1) node.table();
        yield new BatchMatrixMultiplyOp(node, where, r.get(t.input1Id(), "input1"), r.get(t.input2Id(), "input2"),
            r.get(t.outputId(), "output"), r.flags(t.flags()));
      }
      default -> SpatialOps.create(node, g, r);
    };
  }

  /** Value lookups for one node, with the node named in every error. */
  static final class Resolver {
    final XnnGraph.Node node;
    final XnnGraph g;
    final Map<Long, XTensor> byId;

    Resolver(XnnGraph.Node node, XnnGraph g, Map<Long, XTensor> byId) {
      this.node = node;
      this.g = g;
      this.byId = byId;
    }

    XTensor get(long id, String role) {
      XnnValue v = g.value(id, node, role);
      return byId.get(Integer.toUnsignedLong(v.id()));
    }

    XTensor optional(long id, String role) {
      return id == XnnValue.INVALID_ID ? null : get(id, role);
    }

    int flags(long flags) {
      if (flags > Integer.MAX_VALUE) {
        throw XnnGraph.invalid(g.where + " " + node.where() + ": flags 0x" + Long.toHexString(flags) + " are not supported");
      }
      return (int) flags;
    }

    ExecuTorchException notImplemented(String what) {
      return new ExecuTorchException(ErrorCode.NOT_IMPLEMENTED, g.where + " " + node.where() + ": " + what);
    }
  }
}
