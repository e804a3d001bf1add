package org.et4j.backends.xnnpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import com.google.flatbuffers.FlatBufferBuilder;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.et4j.schema.xnnpack.Node1x1;
import org.et4j.schema.xnnpack.Node2x1;
import org.et4j.schema.xnnpack.NodeCat;
import org.et4j.schema.xnnpack.XNNArgMaxPooling2d;
import org.et4j.schema.xnnpack.XNNELU;
import org.et4j.schema.xnnpack.XNNLeakyReLU;
import org.et4j.schema.xnnpack.XNNScaledDotProductAttention;
import org.et4j.schema.xnnpack.XNNStaticConstantPad;
import org.et4j.schema.xnnpack.XNNStaticSlice;
import org.et4j.schema.xnnpack.XNNStaticTranspose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Node kinds run one at a time, each against an implementation that does not share its code:
 * the portable kernel of the same math where et4j has one (run through the kernel registry, as a
 * program would call it), else a reference loop written here. Sizes hit the vector tails.
 */
class XnnNodeOpsTest {
  private static final int[] SIZES = {1, 7, 16, 17, 33, 100};

  /** A single-node graph over fp32 externals; runs it on {@code inputs}, returns the outputs. */
  private static float[][] run(XnnNodeKind kind, ToIntFunction<FlatBufferBuilder> table, float[] minMax,
      long[][] inDims, long[][] outDims, float[][] inputs, int[] outTypes) {
    XnnTinyGraph g = new XnnTinyGraph();
    int id = 0;
    for (long[] d : inDims) {
      g.external(id, 1, id, d);
      id++;
    }
    for (int o = 0; o < outDims.length; o++) {
      XnnTinyGraph.Val v = g.external(id, 2, id, outDims[o]);
      if (outTypes != null) {
        v.datatype = (short) outTypes[o];
      }
      id++;
    }
    g.numExterns = id;
    XnnTinyGraph.Nod n = new XnnTinyGraph.Nod(kind, table);
    n.minMax = minMax;
    g.nodes.add(n);
    byte[] payload = g.build();
    try (Arena arena = Arena.ofConfined();
        DelegateHandle h = new XnnpackBackend().init(XnnPayloadFixtures.context(Map.of()),
            MemorySegment.ofArray(payload).asReadOnly(), List.of())) {
      Value[] args = new Value[id];
      for (int i = 0; i < inDims.length; i++) {
        args[i] = Value.ofTensor(tensor(arena, inDims[i], inputs[i]));
      }
      for (int o = 0; o < outDims.length; o++) {
        long count = 1;
        for (long d : outDims[o]) {
          count *= d;
        }
        TensorImpl t = tensor(arena, outDims[o], new float[(int) count]);
        if (outTypes != null && outTypes[o] == XnnDatatype.INT32.code()) {
          // The program declares these indices int64, as ExecuTorch's argmax does: the delegate
          // computes int32 and widens in place (XNNExecutor::convert_outputs).
          MemorySegment wide = arena.allocate(8 * count, 64);
          t = new TensorImpl(ScalarType.LONG, t.sizes(), t.dimOrder(), ShapeDynamism.DYNAMIC_BOUND, wide,
              wide.byteSize());
        }
        args[inDims.length + o] = Value.ofTensor(t);
      }
      h.execute(args);
      float[][] out = new float[outDims.length][];
      for (int o = 0; o < outDims.length; o++) {
        TensorImpl t = args[inDims.length + o].toTensor();
        out[o] = new float[(int) t.numel()];
        for (int i = 0; i < out[o].length; i++) {
          out[o][i] = outTypes != null && outTypes[o] == XnnDatatype.INT32.code()
              ? t.data().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i)
              : t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
      }
      return out;
    }
  }

  private static TensorImpl tensor(Arena arena, long[] dims, float[] values) {
    int[] sizes = new int[dims.length];
    int[] order = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      sizes[i] = (int) dims[i];
      order[i] = i;
    }
    MemorySegment s = arena.allocate(Math.max(4L * values.length, 4), 64);
    for (int i = 0; i < values.length; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
    }
    return new TensorImpl(ScalarType.FLOAT, sizes, order, ShapeDynamism.DYNAMIC_BOUND, s, s.byteSize());
  }

  private static float[] random(int n, long seed, float lo, float hi) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (lo + (hi - lo) * r.nextDouble());
    }
    return f;
  }

  /** Runs a portable kernel on {@code x} with the given scalar arguments between self and out. */
  private static float[] portable(String op, float[] x, Value... scalars) {
    try (Arena arena = Arena.ofConfined()) {
      TensorImpl in = tensor(arena, new long[] {x.length}, x);
      TensorImpl out = tensor(arena, new long[] {x.length}, new float[x.length]);
      List<Value> args = new ArrayList<>();
      args.add(Value.ofTensor(in));
      args.addAll(List.of(scalars));
      args.add(Value.ofTensor(out));
      args.add(Value.ofTensor(out));
      KernelCall call = KernelRegistry.defaultRegistry().lookup(op).bind(args.toArray(Value[]::new));
      KernelContext ctx = size -> arena.allocate(Math.max(size, 1), 64);
      call.execute(ctx);
      float[] r = new float[x.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = out.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
      }
      return r;
    }
  }

  private static Value str(String s) {
    Value v = new Value();
    v.setString(s);
    return v;
  }

  /** The portable operator with each unary node kind's math, and the input range it is defined on. */
  private static float[] portableUnary(XnnNodeKind kind, float[] x) {
    return switch (kind) {
      case SIGMOID -> portable("aten::sigmoid.out", x);
      case TANH -> portable("aten::tanh.out", x);
      case EXP -> portable("aten::exp.out", x);
      case GELU -> portable("aten::gelu.out", x, str("none"));
      case FLOOR -> portable("aten::floor.out", x);
      case CEILING -> portable("aten::ceil.out", x);
      case SQUARE_ROOT -> portable("aten::sqrt.out", x);
      case RECIPROCAL_SQUARE_ROOT -> portable("aten::rsqrt.out", x);
      case ABS -> portable("aten::abs.out", x);
      case NEGATE -> portable("aten::neg.out", x);
      case LOG -> portable("aten::log.out", x);
      case SIN -> portable("aten::sin.out", x);
      case COS -> portable("aten::cos.out", x);
      case COPY -> portable("aten::clone.out", x, new Value());
      default -> throw new IllegalArgumentException(kind.toString());
    };
  }

  @ParameterizedTest
  @EnumSource(value = XnnNodeKind.class, names = {"SIGMOID", "TANH", "EXP", "GELU", "FLOOR", "CEILING", "SQUARE_ROOT",
      "RECIPROCAL_SQUARE_ROOT", "ABS", "NEGATE", "LOG", "SIN", "COS", "COPY"})
  void unaryNodesMatchThePortableKernels(XnnNodeKind kind) {
    boolean positive = kind == XnnNodeKind.SQUARE_ROOT || kind == XnnNodeKind.RECIPROCAL_SQUARE_ROOT
        || kind == XnnNodeKind.LOG;
    boolean exact = kind == XnnNodeKind.FLOOR || kind == XnnNodeKind.CEILING || kind == XnnNodeKind.ABS
        || kind == XnnNodeKind.NEGATE || kind == XnnNodeKind.COPY || kind == XnnNodeKind.SQUARE_ROOT;
    for (int n : SIZES) {
      float[] x = random(n, 31L * n + kind.ordinal(), positive ? 0.01f : -6f, 6f);
      float[] got = run(kind, b -> Node1x1.createNode1x1(b, 0, 1, 0), null, new long[][] {{n}},
          new long[][] {{n}}, new float[][] {x}, null)[0];
      float[] want = portableUnary(kind, x);
      for (int i = 0; i < n; i++) {
        // Transcendental: libm and vector approximations may differ by a few ulp.
        double tol = exact ? 0 : 1e-6 + 4 * Math.ulp(Math.abs(want[i]));
        assertThat((double) got[i]).as("%s[%d] of %d at x=%s", kind, i, n, x[i]).isCloseTo(want[i],
            org.assertj.core.data.Offset.offset(tol));
      }
    }
  }

  @Test
  void clampLeakyReluEluAndSquareMatchThePortableKernels() {
    for (int n : SIZES) {
      float[] x = random(n, 7L * n, -4f, 4f);
      float[] clamp = run(XnnNodeKind.CLAMP, b -> Node1x1.createNode1x1(b, 0, 1, 0), new float[] {-1.5f, 2f},
          new long[][] {{n}}, new long[][] {{n}}, new float[][] {x}, null)[0];
      assertThat(clamp).containsExactly(portable("aten::clamp.out", x, Value.ofDouble(-1.5), Value.ofDouble(2)));
      float[] leaky = run(XnnNodeKind.LEAKY_RELU, b -> XNNLeakyReLU.createXNNLeakyReLU(b, 0.125f, 0, 1, 0), null,
          new long[][] {{n}}, new long[][] {{n}}, new float[][] {x}, null)[0];
      assertThat(leaky).containsExactly(portable("aten::leaky_relu.out", x, Value.ofDouble(0.125)));
      float[] elu = run(XnnNodeKind.ELU, b -> XNNELU.createXNNELU(b, 0.5f, 0, 1, 0), null,
          new long[][] {{n}}, new long[][] {{n}}, new float[][] {x}, null)[0];
      float[] eluWant = portable("aten::elu.out", x, Value.ofDouble(0.5), Value.ofInt(1), Value.ofInt(1));
      for (int i = 0; i < n; i++) {
        assertThat((double) elu[i]).isCloseTo(eluWant[i], org.assertj.core.data.Offset.offset(1e-6));
      }
      float[] square = run(XnnNodeKind.SQUARE, b -> Node1x1.createNode1x1(b, 0, 1, 0), null,
          new long[][] {{n}}, new long[][] {{n}}, new float[][] {x}, null)[0];
      for (int i = 0; i < n; i++) {
        assertThat(square[i]).isEqualTo(x[i] * x[i]);
      }
    }
  }

  @Test
  void hardswishIsXnnpacksFusedFormulaAndWithinAnUlpOfPyTorchs() {
    for (int n : SIZES) {
      float[] x = random(n, 3L * n, -5f, 5f);
      x[0] = -3f;
      float[] got = run(XnnNodeKind.HARDSWISH, b -> Node1x1.createNode1x1(b, 0, 1, 0), null, new long[][] {{n}},
          new long[][] {{n}}, new float[][] {x}, null)[0];
      for (int i = 0; i < n; i++) {
        // XNNPACK's f32-vhswish, written out independently: x * clamp(fma(x, 1/6, 1/2), 0, 1).
        float r = Math.min(Math.max(Math.fma(x[i], 0x1.555556p-3f, 0.5f), 0f), 1f);
        assertThat(got[i]).as("hardswish(%s)", x[i]).isEqualTo(r * x[i]);
        double pytorch = x[i] * Math.min(Math.max(x[i] + 3.0, 0.0), 6.0) / 6.0;
        assertThat((double) got[i]).isCloseTo(pytorch, org.assertj.core.data.Offset.offset(2.0 * Math.ulp(5f)));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = XnnNodeKind.class, names = {"ADD", "SUBTRACT", "MULTIPLY", "DIV", "MINIMUM", "MAXIMUM", "PRELU"})
  void binaryNodesBroadcastFromTheTrailingDim(XnnNodeKind kind) {
    long[][][] shapes = {
        {{2, 3, 17}, {2, 3, 17}}, {{2, 3, 17}, {17}}, {{2, 3, 17}, {1}}, {{1}, {4, 9}},
        {{3, 1, 5}, {4, 1}}, {{2, 1, 33}, {1, 7, 1}}, {{5, 16}, {5, 1}}};
    for (long[][] s : shapes) {
      long[] out = broadcast(s[0], s[1]);
      float[] a = random(count(s[0]), 11, -3f, 3f);
      float[] b = random(count(s[1]), 13, 0.5f, 3f);
      float[] got = run(kind, bb -> Node2x1.createNode2x1(bb, 0, 1, 2, 0), new float[] {-2f, 2.5f},
          new long[][] {s[0], s[1]}, new long[][] {out}, new float[][] {a, b}, null)[0];
      int[] idx = new int[out.length];
      for (int i = 0; i < got.length; i++) {
        int rem = i;
        for (int d = out.length - 1; d >= 0; d--) {
          idx[d] = (int) (rem % out[d]);
          rem /= (int) out[d];
        }
        float x = a[offset(s[0], idx)];
        float y = b[offset(s[1], idx)];
        float v = switch (kind) {
          case ADD -> x + y;
          case SUBTRACT -> x - y;
          case MULTIPLY -> x * y;
          case DIV -> x / y;
          case MINIMUM -> Math.min(x, y);
          case MAXIMUM -> Math.max(x, y);
          default -> x < 0 ? x * y : x;
        };
        if (kind != XnnNodeKind.MINIMUM && kind != XnnNodeKind.MAXIMUM && kind != XnnNodeKind.PRELU) {
          v = Math.min(Math.max(v, -2f), 2.5f);
        }
        assertThat(got[i]).as("%s %s x %s at %d", kind, java.util.Arrays.toString(s[0]),
            java.util.Arrays.toString(s[1]), i).isEqualTo(v);
      }
    }
  }

  private static long[] broadcast(long[] a, long[] b) {
    int r = Math.max(a.length, b.length);
    long[] out = new long[r];
    for (int i = 0; i < r; i++) {
      long da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
      long db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
      out[i] = Math.max(da, db);
    }
    return out;
  }

  private static int count(long[] d) {
    long n = 1;
    for (long x : d) {
      n *= x;
    }
    return (int) n;
  }

  private static int offset(long[] dims, int[] outIdx) {
    int off = 0;
    int lead = outIdx.length - dims.length;
    for (int d = 0; d < dims.length; d++) {
      off = off * (int) dims[d] + (dims[d] == 1 ? 0 : outIdx[d + lead]);
    }
    return off;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 17})
  void scaledDotProductAttentionMatchesAReferenceInDouble(int t) {
    int heads = 2;
    int u = t + 2;
    int c = 16;
    int d = 9;
    float[] q = random(heads * t * c, 1, -1f, 1f);
    float[] k = random(heads * u * c, 2, -1f, 1f);
    float[] v = random(heads * u * d, 3, -1f, 1f);
    float[] scale = new float[c];
    java.util.Arrays.fill(scale, (float) (1 / Math.sqrt(c)));
    float[] mask = new float[t * u];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < u; j++) {
        mask[i * u + j] = j > i + 2 ? Float.NEGATIVE_INFINITY : 0f;
      }
    }
    float[] got = run(XnnNodeKind.SCALED_DOT_PRODUCT_ATTENTION,
        b -> XNNScaledDotProductAttention.createXNNScaledDotProductAttention(b, 0, 1, 2, 3, 4, 5, 0), null,
        new long[][] {{1, heads, t, c}, {1, heads, u, c}, {1, heads, u, d}, {c}, {t, u}},
        new long[][] {{1, heads, t, d}}, new float[][] {q, k, v, scale, mask}, null)[0];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < t; i++) {
        double[] p = new double[u];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < u; j++) {
          double s = mask[i * u + j];
          for (int x = 0; x < c; x++) {
            s += (double) q[(h * t + i) * c + x] * scale[x] * k[(h * u + j) * c + x];
          }
          p[j] = s;
          max = Math.max(max, s);
        }
        double sum = 0;
        for (int j = 0; j < u; j++) {
          p[j] = Math.exp(p[j] - max);
          sum += p[j];
        }
        for (int y = 0; y < d; y++) {
          double o = 0;
          for (int j = 0; j < u; j++) {
            o += p[j] / sum * v[(h * u + j) * d + y];
          }
          // Two GEMMs of length <= 19 and a softmax over float32: a few ulp of |o| <= 1.
          assertThat((double) got[(h * t + i) * d + y]).isCloseTo(o, org.assertj.core.data.Offset.offset(2e-6));
        }
      }
    }
  }

  @Test
  void argMaxPoolingGivesTheWindowMaximumAndItsColumnMajorTapIndexWidenedToInt64() {
    // [1, 4, 6, 3] input, 2x3 windows, no padding: out [1, 2, 2, 3].
    int h = 4;
    int w = 6;
    int ch = 3;
    float[] x = random(h * w * ch, 5, -1f, 1f);
    float[][] got = run(XnnNodeKind.ARG_MAX_POOLING_2D,
        b -> XNNArgMaxPooling2d.createXNNArgMaxPooling2d(b, 0, 0, 0, 0, 2, 3, 0, 1, 2, 0), null,
        new long[][] {{1, h, w, ch}}, new long[][] {{1, 2, 2, ch}, {1, 2, 2, ch}}, new float[][] {x},
        new int[] {XnnDatatype.FP32.code(), XnnDatatype.INT32.code()});
    for (int oy = 0; oy < 2; oy++) {
      for (int ox = 0; ox < 2; ox++) {
        for (int c = 0; c < ch; c++) {
          float best = Float.NEGATIVE_INFINITY;
          int index = 0;
          for (int px = 0; px < 3; px++) {
            for (int py = 0; py < 2; py++) {
              float v = x[((oy * 2 + py) * w + ox * 3 + px) * ch + c];
              if (v > best) {
                best = v;
                index = px * 2 + py;
              }
            }
          }
          int o = (oy * 2 + ox) * ch + c;
          assertThat(got[0][o]).isEqualTo(best);
          assertThat((int) got[1][o]).isEqualTo(index);
        }
      }
    }
  }

  @Test
  void dataMovementNodesPlaceEveryElement() {
    float[] x = new float[2 * 3 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    // StaticTranspose [2,3,5] perm [2,0,1] -> [5,2,3]
    float[] tr = run(XnnNodeKind.STATIC_TRANSPOSE, b -> XNNStaticTranspose.createXNNStaticTranspose(b, 3,
        XNNStaticTranspose.createPermVector(b, new long[] {2, 0, 1}), 0, 1, 0), null, new long[][] {{2, 3, 5}},
        new long[][] {{5, 2, 3}}, new float[][] {x}, null)[0];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 5; k++) {
          assertThat(tr[(k * 2 + i) * 3 + j]).isEqualTo(x[(i * 3 + j) * 5 + k]);
        }
      }
    }
    // NCHW -> NHWC, the tiled path: [2, 40, 37] perm [0, 2, 1]
    float[] big = random(2 * 40 * 37, 9, -1f, 1f);
    float[] nhwc = run(XnnNodeKind.STATIC_TRANSPOSE, b -> XNNStaticTranspose.createXNNStaticTranspose(b, 3,
        XNNStaticTranspose.createPermVector(b, new long[] {0, 2, 1}), 0, 1, 0), null, new long[][] {{2, 40, 37}},
        new long[][] {{2, 37, 40}}, new float[][] {big}, null)[0];
    for (int n = 0; n < 2; n++) {
      for (int c = 0; c < 40; c++) {
        for (int p = 0; p < 37; p++) {
          assertThat(nhwc[(n * 37 + p) * 40 + c]).isEqualTo(big[(n * 40 + c) * 37 + p]);
        }
      }
    }
    // StaticSlice [2,3,5] offsets [1,0,2] sizes [1,0,3]: a size of 0 with offset 0 means "to the end".
    float[] sl = run(XnnNodeKind.STATIC_SLICE, b -> XNNStaticSlice.createXNNStaticSlice(b, 3,
        XNNStaticSlice.createOffsetsVector(b, new long[] {1, 0, 2}),
        XNNStaticSlice.createSizesVector(b, new long[] {1, 0, 3}), 0, 1, 0), null, new long[][] {{2, 3, 5}},
        new long[][] {{1, 3, 3}}, new float[][] {x}, null)[0];
    for (int j = 0; j < 3; j++) {
      for (int k = 0; k < 3; k++) {
        assertThat(sl[j * 3 + k]).isEqualTo(x[(3 + j) * 5 + 2 + k]);
      }
    }
    // StaticConstantPad [2,3,5] pre [0,1,2] post [1,0,1] value -7
    float[] pad = run(XnnNodeKind.STATIC_CONSTANT_PAD, b -> XNNStaticConstantPad.createXNNStaticConstantPad(b,
        XNNStaticConstantPad.createPrePaddingsVector(b, new long[] {0, 1, 2}),
        XNNStaticConstantPad.createPostPaddingsVector(b, new long[] {1, 0, 1}), -7f, 0, 1, 0), null,
        new long[][] {{2, 3, 5}}, new long[][] {{3, 4, 8}}, new float[][] {x}, null)[0];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 8; k++) {
          boolean inside = i < 2 && j >= 1 && k >= 2 && k < 7;
          float want = inside ? x[(i * 3 + j - 1) * 5 + k - 2] : -7f;
          assertThat(pad[(i * 4 + j) * 8 + k]).isEqualTo(want);
        }
      }
    }
    // Concatenate3 along axis 1: [2,1,5] + [2,3,5] + [2,2,5] -> [2,6,5]
    float[] a = random(10, 1, -1f, 1f);
    float[] c = random(20, 2, -1f, 1f);
    float[] cat = run(XnnNodeKind.CONCATENATE3, b -> NodeCat.createNodeCat(b, 1, 0, 1, 2, XnnTinyGraph.NONE, 3, 0,
        XnnTinyGraph.NONE), null, new long[][] {{2, 1, 5}, {2, 3, 5}, {2, 2, 5}}, new long[][] {{2, 6, 5}},
        new float[][] {a, x, c}, null)[0];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 6; j++) {
        for (int k = 0; k < 5; k++) {
          float want = j < 1 ? a[i * 5 + k] : j < 4 ? x[(i * 3 + j - 1) * 5 + k] : c[(i * 2 + j - 4) * 5 + k];
          assertThat(cat[(i * 6 + j) * 5 + k]).isEqualTo(want);
        }
      }
    }
  }
}
