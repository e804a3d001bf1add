package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.MemorySegment;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnNodeKind;
import org.et4j.kernels.portable.pointwise.FloatPointwise;
import org.et4j.kernels.util.SpecialMath;

/**
 * XNNPACK's unary elementwise nodes ({@code xnn_define_unary}): Clamp (with the node's min and
 * max), the activations and the math functions. The output takes the input's dims. float32
 * sigmoid, tanh, exp, GELU and clamp run the portable kernels' {@link FloatPointwise} code, the
 * others a scalar loop of the same formula the portable op uses; fp16 and bf16 compute in
 * float32 and round once.
 */
final class UnaryElementwiseOp extends XnnOp {
  private final XnnNodeKind kind;
  private final XTensor in;
  private final XTensor out;
  private final float min;
  private final float max;
  private final float param;
  private final FloatPointwise pointwise = FloatPointwise.instance();

  /** @param param LeakyReLU's negative slope or ELU's alpha; unused otherwise */
  UnaryElementwiseOp(XnnGraph.Node node, String where, XTensor in, XTensor out, float param) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.kind = node.kind();
    this.in = in;
    this.out = out;
    this.param = param;
    if (kind == XnnNodeKind.CLAMP) {
      this.min = node.outputMin();
      this.max = node.outputMax();
    } else {
      this.min = Float.NEGATIVE_INFINITY;
      this.max = Float.POSITIVE_INFINITY;
    }
    if (!Floats.isFloating(in.type) || !Floats.isFloating(out.type)) {
      if (!(kind == XnnNodeKind.COPY && in.type == out.type)) {
        throw unsupported(in.describe() + " -> " + out.describe() + ": et4j runs " + kind.schemaName()
            + " on fp32, fp16 and bf16 values");
      }
    }
    if (in.rank() != out.rank()) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in rank");
    }
  }

  @Override
  public void reshape() {
    out.setDims(in.dims);
  }

  @Override
  public void run() {
    long n = in.numel();
    MemorySegment x = in.data;
    MemorySegment y = out.data;
    if (kind == XnnNodeKind.COPY && in.type == out.type) {
      MemorySegment.copy(x, 0, y, 0, in.byteSize());
      return;
    }
    if (in.type == XnnDatatype.FP32 && out.type == XnnDatatype.FP32) {
      switch (kind) {
        case SIGMOID -> {
          pointwise.sigmoid(x, y, n);
          return;
        }
        case TANH -> {
          pointwise.tanh(x, y, n);
          return;
        }
        case EXP -> {
          pointwise.exp(x, y, n);
          return;
        }
        case GELU -> {
          pointwise.gelu(x, y, n, false);
          return;
        }
        case CLAMP -> {
          pointwise.clamp(x, min, max, y, n);
          return;
        }
        case HARDSWISH -> {
          pointwise.hardswish(x, y, n);
          return;
        }
        default -> {}
      }
    }
    XnnDatatype ti = in.type;
    XnnDatatype to = out.type;
    for (long i = 0; i < n; i++) {
      Floats.set(to, y, i, apply(Floats.get(ti, x, i)));
    }
  }

  private float apply(float v) {
    return switch (kind) {
      case CLAMP -> Floats.clamp(v, min, max);
      case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-v)));
      case TANH -> (float) Math.tanh(v);
      case EXP -> (float) Math.exp(v);
      case GELU -> (float) (0.5 * v * (1.0 + SpecialMath.erf(v / Math.sqrt(2.0))));
      case FLOOR -> (float) Math.floor(v);
      case CEILING -> (float) Math.ceil(v);
      case SQUARE_ROOT -> (float) Math.sqrt(v);
      case RECIPROCAL_SQUARE_ROOT -> (float) (1.0 / Math.sqrt(v));
      case SQUARE -> v * v;
      case NEGATE -> -v;
      case ABS -> Math.abs(v);
      case LOG -> (float) Math.log(v);
      case SIN -> (float) Math.sin(v);
      case COS -> (float) Math.cos(v);
      case HARDSWISH -> {
        // XNNPACK's f32-vhswish, as FloatPointwise.hardswish computes the float32 case.
        float r = Math.fma(v, 0x1.555556p-3f, 0.5f);
        r = r > 0f ? r : 0f;
        r = r < 1f ? r : 1f;
        yield r * v;
      }
      case LEAKY_RELU -> v < 0 ? v * param : v;
      case ELU -> v < 0 ? (float) (param * Math.expm1(v)) : v;
      case COPY -> v;
      default -> throw new IllegalStateException(kind.toString());
    };
  }
}
