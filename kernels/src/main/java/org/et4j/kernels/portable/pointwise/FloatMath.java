package org.et4j.kernels.portable.pointwise;

/**
 * float32 exp, tanh, sigmoid and GELU built only from exactly rounded IEEE operations (add, mul,
 * fused multiply-add, divide, compare, integer bit manipulation), so that every JVM mode computes
 * the same bits: the interpreter, C1 and C2 cannot disagree about an exactly rounded operation,
 * whereas {@code Math.tanh} or the Vector API's {@code EXP} lanewise operation may be computed by
 * different code before and after the JIT compiles it. {@link VectorFloatMath} is the lanewise
 * twin of this class, with the same constants and the same operations in the same order: an
 * element gets the same bits whether a vector lane or a loop tail computes it, so the split of a
 * loop over threads (which moves the tails) cannot change a result.
 *
 * <p>exp uses the usual range reduction (as XNNPACK's {@code f32-vexp} family and most libms do):
 * {@code x = n ln2 + r} with {@code n} the nearest integer to {@code x / ln2}, {@code |r| <= ln2/2}
 * obtained with a two-part (Cody–Waite) ln2, {@code exp(r) - 1} from a degree-6 polynomial fitted
 * for minimal relative error on that interval, and {@code 2^n} assembled in the exponent bits.
 * Maximum errors against a double-precision reference, measured over every 7th float32 (see
 * {@code FloatMathTest}): exp 1 ulp, tanh 2 ulp, sigmoid 2 ulp, GELU within the bounds that test
 * states.
 */
public final class FloatMath {
  static final float LOG2E = 0x1.715476p+0f;
  /** ln2 with its low bits cleared, so that {@code n * LN2_HI} is exact for |n| < 512. */
  static final float LN2_HI = 0x1.62e4p-1f;
  static final float LN2_LO = 0x1.7f7d1cp-20f;
  /**
   * 1.5 * 2^23: adding it to a value below 2^22 in magnitude rounds that value to the nearest
   * integer, which then sits in the low bits of the sum's significand.
   */
  static final float ROUND_MAGIC = 0x1.8p23f;
  static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);
  /** exp(r) - 1 = r + r^2 (C2 + C3 r + C4 r^2 + C5 r^3 + C6 r^4) on |r| <= ln2/2, rel. error 1.7e-8. */
  static final float C2 = 0x1.fffffep-2f;
  static final float C3 = 0x1.5554aep-3f;
  static final float C4 = 0x1.555676p-5f;
  static final float C5 = 0x1.122886p-7f;
  static final float C6 = 0x1.6bebd8p-10f;
  /** exp underflows to 0 below about -103.97 and overflows above about 88.72. */
  static final float EXP_MIN = -104f;
  static final float EXP_MAX = 89f;
  /** tanh(x) rounds to 1 for x above about 9.011. */
  static final float TANH_SATURATION = 9.1f;
  static final int SIGN = 0x80000000;

  static final float GELU_BETA = (float) (Math.sqrt(2.0) * (2.0 / Math.sqrt(Math.PI)) * 0.5);
  static final float GELU_KAPPA = 0.044715f;
  static final float SQRT1_2 = (float) 0.7071067811865476;
  // erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2) (Numerical Recipes' erfcc, fractional error
  // < 1.2e-7), evaluated in float32.
  static final float E0 = -1.26551223f;
  static final float E1 = 1.00002368f;
  static final float E2 = 0.37409196f;
  static final float E3 = 0.09678418f;
  static final float E4 = -0.18628806f;
  static final float E5 = 0.27886807f;
  static final float E6 = -1.13520398f;
  static final float E7 = 1.48851587f;
  static final float E8 = -0.82215223f;
  static final float E9 = 0.17087277f;

  private FloatMath() {}

  /** exp(r) - 1 for |r| <= ln2/2 (a little more is fine). */
  static float expm1Reduced(float r) {
    float q = Math.fma(C6, r, C5);
    q = Math.fma(q, r, C4);
    q = Math.fma(q, r, C3);
    q = Math.fma(q, r, C2);
    return Math.fma(q, r * r, r);
  }

  /** e^x, with subnormal results, 0 below the underflow, infinity above the overflow, NaN kept. */
  public static float exp(float x) {
    // Clamped so that the rounding trick and the exponent bits stay in range; the clamped values
    // still underflow to 0 and overflow to infinity. NaN fails both compares and stays NaN.
    x = x < EXP_MIN ? EXP_MIN : x;
    x = x > EXP_MAX ? EXP_MAX : x;
    float z = Math.fma(x, LOG2E, ROUND_MAGIC);
    int n = Float.floatToRawIntBits(z) - ROUND_MAGIC_BITS;
    float nf = z - ROUND_MAGIC;
    float r = Math.fma(nf, -LN2_HI, x);
    r = Math.fma(nf, -LN2_LO, r);
    float p = expm1Reduced(r);
    // 2^n as two normal factors, so that n in [-150, 128] (subnormal and overflowing results)
    // needs no special case: the first product is exact, the second rounds once.
    int n1 = n >> 1;
    float s1 = Float.intBitsToFloat((n1 + 127) << 23);
    float s2 = Float.intBitsToFloat((n - n1 + 127) << 23);
    return Math.fma(p, s1, s1) * s2;
  }

  /**
   * tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)) with the sign of x: no cancellation near 0,
   * because expm1 is computed as {@code (2^n - 1) + 2^n (e^r - 1)} with one rounding (and the
   * denominator as {@code (2^n + 1) + 2^n (e^r - 1)}, also with one).
   */
  public static float tanh(float x) {
    float z = Math.abs(x);
    z = z > TANH_SATURATION ? TANH_SATURATION : z;
    float t = -2f * z;
    float u = Math.fma(t, LOG2E, ROUND_MAGIC);
    int n = Float.floatToRawIntBits(u) - ROUND_MAGIC_BITS;
    float nf = u - ROUND_MAGIC;
    float r = Math.fma(nf, -LN2_HI, t);
    r = Math.fma(nf, -LN2_LO, r);
    float p = expm1Reduced(r);
    float s = Float.intBitsToFloat((n + 127) << 23);
    // numerator 1 - e^-2z and denominator 1 + e^-2z each with one rounding
    float y = -Math.fma(s, p, s - 1f) / Math.fma(s, p, s + 1f);
    // |y| with x's sign bit: odd, and -0.0 stays -0.0
    return Float.intBitsToFloat((Float.floatToRawIntBits(y) & ~SIGN) | (Float.floatToRawIntBits(x) & SIGN));
  }

  /** 1 / (1 + e^-x), as e^-|x| over 1 + e^-|x| for negative x so that the tail keeps its precision. */
  public static float sigmoid(float x) {
    float e = exp(-Math.abs(x));
    float numerator = x > 0f ? 1f : e;
    return numerator / (1f + e);
  }

  /** GELU, {@code x Phi(x)}, with Phi from erfc(|x|/sqrt 2) so that the negative tail is not a cancellation. */
  public static float geluErf(float x) {
    float z = Math.abs(x) * SQRT1_2;
    float t = 1f / Math.fma(z, 0.5f, 1f);
    float p = Math.fma(E9, t, E8);
    p = Math.fma(p, t, E7);
    p = Math.fma(p, t, E6);
    p = Math.fma(p, t, E5);
    p = Math.fma(p, t, E4);
    p = Math.fma(p, t, E3);
    p = Math.fma(p, t, E2);
    p = Math.fma(p, t, E1);
    p = Math.fma(p, t, E0);
    float halfErfc = exp(p - z * z) * t * 0.5f;
    float phi = x < 0f ? halfErfc : 1f - halfErfc;
    float r = x * phi;
    return x == Float.NEGATIVE_INFINITY ? 0f : r;
  }

  /** GELU with PyTorch's tanh approximation: {@code x/2 (1 + tanh(beta (x + kappa x^3)))}. */
  public static float geluTanh(float x) {
    float inner = Math.fma(x * x * x, GELU_KAPPA, x) * GELU_BETA;
    float r = (0.5f * x) * (1f + tanh(inner));
    return x == Float.NEGATIVE_INFINITY ? 0f : r;
  }
}
