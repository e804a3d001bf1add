package org.et4j.conformance;

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
