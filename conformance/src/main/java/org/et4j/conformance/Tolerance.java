package org.et4j.conformance;

import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.ScalarType;

/**
 * How far et4j's floating outputs may be from ExecuTorch's, per operator family. Integer and bool
 * outputs are always compared exactly. The numbers and their grounds are in
 * {@code conformance/TOLERANCES.md}; never loosen one to make a case pass.
 *
 * @param rtol relative tolerance
 * @param atolPerScale absolute tolerance per unit of the output's magnitude (the largest
 *     |ExecuTorch output| of the method, at least 1)
 */
public record Tolerance(double rtol, double atolPerScale) {

  /** Operator families, from the most to the least exact. */
  public enum Family {
    /** Data movement and selection: copies, views, indexing, comparisons, relu, max pooling. */
    EXACT(0, 0),
    /** Correctly rounded IEEE arithmetic (add, sub, mul, div, sqrt), same compute dtype. */
    ARITHMETIC(1e-6, 1e-7),
    /** libm functions (exp, log, tanh, sigmoid, gelu, erf, pow, trigonometry): a few ulp apart. */
    TRANSCENDENTAL(1e-5, 1e-6),
    /** Reductions and normalisations, whose summation order may differ. */
    REDUCTION(1e-5, 1e-5),
    /** Matrix products and convolutions (blocked summation in a different order). */
    MATMUL(1e-4, 1e-5),
    /** Quantize / dequantize: a value on a rounding boundary may land one quantum away. */
    QUANTIZED(1e-4, 1e-5);

    final double rtol;
    final double atol;

    Family(double rtol, double atol) {
      this.rtol = rtol;
      this.atol = atol;
    }
  }

  /** The family of one operator (registry name). */
  public static Family familyOf(String op) {
    String name = op.substring(op.indexOf("::") + 2);
    String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    if (op.startsWith("quantized_decomposed::") || base.startsWith("quantize") || base.startsWith("dequantize")
        || base.startsWith("choose_qparams")) {
      return Family.QUANTIZED;
    }
    return switch (base) {
      case "mm", "bmm", "addmm", "linear", "convolution", "baddbmm", "_scaled_dot_product_attention",
          "scaled_dot_product_attention", "avg_pool2d", "_adaptive_avg_pool2d", "upsample_bilinear2d",
          "upsample_nearest2d", "_cdist_forward", "_pdist_forward", "mixed_mm", "mixed_linear",
          "embedding_4bit", "embedding_2bit", "embedding_byte", "grid_sampler_2d" -> Family.MATMUL;
      case "sum", "mean", "var", "var_mean", "prod", "cumsum", "_softmax", "_log_softmax", "native_layer_norm",
          "native_group_norm", "_native_batch_norm_legit", "_native_batch_norm_legit_no_training", "logsumexp",
          "norm", "linalg_vector_norm" -> Family.REDUCTION;
      case "exp", "expm1", "log", "log1p", "log2", "log10", "tanh", "sigmoid", "gelu", "erf", "pow", "sin", "cos",
          "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh", "acosh", "atanh", "logit", "elu", "glu",
          "silu", "hardswish", "hardsigmoid", "softplus", "rsqrt", "reciprocal", "leaky_relu" -> Family.TRANSCENDENTAL;
      case "add", "sub", "rsub", "mul", "div", "sqrt", "neg", "abs", "remainder", "fmod", "floor_divide", "_to_copy",
          "_to_dim_order_copy", "copy", "copy_", "masked_fill", "where", "clamp", "hardtanh" -> Family.ARITHMETIC;
      default -> Family.EXACT;
    };
  }

  /**
   * The tolerance for a method calling {@code operators}: the loosest of their families. When the
   * method quantizes, a value on a rounding boundary may land one quantum away in et4j and in
   * ExecuTorch alike, so the absolute tolerance also admits the difference measured between eager
   * PyTorch and ExecuTorch for this very method ({@code eagerVsExecuTorchAbs}, per unit of scale).
   */
  public static Tolerance forOperators(List<String> operators, double eagerVsExecuTorchAbs, double scale) {
    double rtol = 0;
    double atol = 0;
    boolean quantized = false;
    for (String op : operators) {
      Family f = familyOf(op);
      rtol = Math.max(rtol, f.rtol);
      atol = Math.max(atol, f.atol);
      quantized |= f == Family.QUANTIZED;
    }
    if (quantized) {
      atol = Math.max(atol, eagerVsExecuTorchAbs / Math.max(1.0, scale));
    }
    return new Tolerance(rtol, atol);
  }

  /** float32's unit roundoff, 2^-24: the relative error of one rounded operation. */
  static final double FLOAT32_UNIT_ROUNDOFF = 0x1p-24;

  /**
   * A matrix product's error bound for a reduction of length {@code k}: each of the two runtimes
   * sums {@code k} products, in its own order, within {@code k u} of the exact sum (relative to the
   * sum of |products|, which the output's scale stands for).
   */
  static double reductionBound(long k) {
    return 2.0 * Math.max(1, k) * FLOAT32_UNIT_ROUNDOFF;
  }

  /**
   * The tolerance of one output, from the instructions that feed it ({@link ProgramGraph#feeding}):
   * the loosest family among their operators, except that matrix products contribute the bound of
   * their own reduction lengths, summed along the path ({@link #reductionBound}), instead of the
   * blanket {@link Family#MATMUL} numbers. {@code delegateOperators} gives, per delegate index,
   * the portable operators equivalent to the nodes inside and {@code delegateReduction} a bound
   * on their reduction length (a delegate's shapes are not read here). When the output depends on
   * quantization, {@code quantizedAtolPerScale} is the absolute tolerance per unit of scale that
   * quantized outputs get.
   */
  public static Tolerance forOutput(
      List<ProgramGraph.Node> feeding, ProgramGraph graph, java.util.function.IntFunction<List<String>> delegateOperators,
      java.util.function.IntToLongFunction delegateReduction, double quantizedAtolPerScale) {
    double rtol = 0;
    double atol = 0;
    double matmul = 0;
    boolean quantized = false;
    for (ProgramGraph.Node n : feeding) {
      List<String> ops = n.delegate() >= 0 ? delegateOperators.apply(n.delegate()) : List.of(n.operator());
      for (String op : ops) {
        if (op.equals("move")) {
          continue;
        }
        Family f = familyOf(op);
        if (f == Family.MATMUL) {
          long k = n.delegate() >= 0 ? delegateReduction.applyAsLong(n.delegate()) : reductionLength(op, n, graph);
          matmul += reductionBound(k);
          continue;
        }
        rtol = Math.max(rtol, f.rtol);
        atol = Math.max(atol, f.atol);
        quantized |= f == Family.QUANTIZED;
      }
    }
    rtol = Math.max(rtol, matmul);
    atol = Math.max(atol, matmul);
    if (quantized) {
      atol = Math.max(atol, quantizedAtolPerScale);
    }
    return new Tolerance(rtol, atol);
  }

  /**
   * How many products one output element of a matrix-family call sums, from the serialized sizes
   * of its arguments (upper bounds for dynamic shapes).
   */
  static long reductionLength(String op, ProgramGraph.Node n, ProgramGraph g) {
    String name = op.substring(op.indexOf("::") + 2);
    String base = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    int[] a = n.args();
    int[] s0 = a.length > 0 ? g.sizes(a[0]) : null;
    int[] s1 = a.length > 1 ? g.sizes(a[1]) : null;
    long k =
        switch (base) {
          case "mm", "linear" -> last(s0, 0);
          case "bmm" -> last(s0, 0);
          case "addmm", "baddbmm" -> last(s1, 0);
          case "convolution" -> convolutionTaps(s0, s1);
          case "_scaled_dot_product_attention", "scaled_dot_product_attention" ->
              Math.max(last(s0, 0), s1 == null || s1.length < 2 ? 0 : s1[s1.length - 2]);
          case "avg_pool2d" -> a.length > 1 && g.intList(a[1]) != null ? product(g.intList(a[1])) : 0;
          case "_adaptive_avg_pool2d" -> s0 == null || s0.length < 2 ? 0 : (long) s0[s0.length - 1] * s0[s0.length - 2];
          case "_cdist_forward", "_pdist_forward" -> last(s0, 0);
          case "mixed_mm", "mixed_linear" -> last(s0, 0);
          default -> 4; // interpolations and samplers mix a few neighbours; embeddings look up
        };
    return k;
  }

  /**
   * The products one convolution output sums: weight {@code [OC, C/groups, kH, kW]} gives
   * {@code C/groups * kH * kW}; a transposed weight {@code [C, OC/groups, kH, kW]} (recognised by
   * its first dim matching the input's channels) is bounded by {@code C * kH * kW}.
   */
  private static long convolutionTaps(int[] in, int[] w) {
    if (w == null || w.length < 3) {
      return 0;
    }
    long taps = product(Arrays.copyOfRange(w, 2, w.length));
    long k = w[1] * taps;
    if (in != null && in.length > 1 && w[0] == in[1]) {
      k = Math.max(k, w[0] * taps);
    }
    return k;
  }

  private static long last(int[] s, long ifNone) {
    return s == null || s.length == 0 ? ifNone : s[s.length - 1];
  }

  private static long product(int[] s) {
    long p = 1;
    for (int x : s) {
      p *= x;
    }
    return p;
  }

  private static long product(long[] s) {
    long p = 1;
    for (long x : s) {
      p *= x;
    }
    return p;
  }

  /**
   * The tolerance for an output of {@code dtype}: reduced-precision outputs carry their own
   * rounding (two units in the last place of float16 / bfloat16).
   */
  public Tolerance forDtype(ScalarType dtype) {
    return switch (dtype) {
      case HALF -> new Tolerance(Math.max(rtol, 2 * 0x1p-10), Math.max(atolPerScale, 2 * 0x1p-10));
      case BFLOAT16 -> new Tolerance(Math.max(rtol, 2 * 0x1p-7), Math.max(atolPerScale, 2 * 0x1p-7));
      default -> this;
    };
  }

  /** The absolute tolerance for outputs whose largest magnitude is {@code scale}. */
  public double atol(double scale) {
    return atolPerScale * Math.max(1.0, scale);
  }
}
