package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import org.et4j.kernels.util.SpecialMath;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatMath} (and so {@link VectorFloatMath}, which FloatPointwiseTwinTest holds to the
 * same bits) against double-precision references, over every 4099th float32 bit pattern (about a
 * million values of every magnitude) plus dense sweeps where the algorithms change regime:
 * around 0, the exp overflow and the subnormal range, tanh saturation. The ulp bounds are the
 * measured maxima (over every 263rd float: exp 1.02, tanh 1.84, sigmoid 2.13, GELU tanh form
 * 3.34 ulp of x/2) rounded up; the erfc-based GELU is within 16 ulp for x >= -3 and within 1e-8
 * absolute in the far negative tail, where ExecuTorch's own float32 formula,
 * {@code 0.5 x (1 + erf(x/sqrt 2))}, cancels to nothing.
 */
class FloatMathTest {
  static final int STRIDE = 4099;

  /** |got - ref| in units of the float32 ulp at ref (subnormal ulp below MIN_NORMAL). */
  static double ulps(float got, double ref) {
    float rounded = (float) ref;
    double ulp = Math.ulp(Math.abs(rounded) > Math.abs(ref) ? Math.nextDown(Math.abs(rounded)) : rounded);
    return Math.abs(got - ref) / ulp;
  }

  interface FloatFunction {
    float apply(float x);
  }

  /** The worst error over the sweep and the sweeps around {@code dense}, with the argument. */
  static void assertUlps(String name, FloatFunction f, DoubleUnaryOperator ref, double bound, float... dense) {
    double worst = 0;
    float at = 0;
    for (long bits = 0; bits < (1L << 32); bits += STRIDE) {
      float x = Float.intBitsToFloat((int) bits);
      double e = check(f, ref, x);
      if (e > worst) {
        worst = e;
        at = x;
      }
    }
    for (float centre : dense) {
      float x = centre;
      for (int i = 0; i < 20_000; i++, x = Math.nextUp(x)) {
        double e = check(f, ref, x);
        if (e > worst) {
          worst = e;
          at = x;
        }
      }
    }
    assertThat(worst).as("%s: worst error %s ulp at %s", name, worst, at).isLessThanOrEqualTo(bound);
  }

  static double check(FloatFunction f, DoubleUnaryOperator ref, float x) {
    float got = f.apply(x);
    double r = ref.applyAsDouble(x);
    if (Float.isNaN(x)) {
      return Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
    }
    if (Double.isInfinite((float) r) || Double.isInfinite(r)) {
      return got == (float) r ? 0 : Double.POSITIVE_INFINITY;
    }
    return ulps(got, r);
  }

  @Test
  void expWithinOneAndAHalfUlp() {
    assertUlps("exp", FloatMath::exp, Math::exp, 1.5, -0.01f, 88.70f, -87.35f, -103.99f, -88f, 0.34f);
  }

  @Test
  void tanhWithinTwoUlp() {
    assertUlps("tanh", FloatMath::tanh, Math::tanh, 2.0, -0.001f, 0.5f, 8.99f, -9.02f, 1e-6f);
  }

  @Test
  void sigmoidWithinTwoAndAHalfUlp() {
    assertUlps(
        "sigmoid", FloatMath::sigmoid, x -> 1.0 / (1.0 + Math.exp(-x)), 2.5, -0.001f, -88.0f, -103.5f, 16.6f);
  }

  static double geluErfReference(double x) {
    return Double.isInfinite(x) ? Math.max(x, 0) : 0.5 * x * SpecialMath.erfc(-x * 0.7071067811865476);
  }

  static double geluTanhReference(double x) {
    if (Double.isInfinite(x)) {
      return Math.max(x, 0);
    }
    return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
  }

  @Test
  void geluErfWithinSixteenUlpAndAbsolutelyInTheFarNegativeTail() {
    assertUlps("gelu", x -> x < -3f ? 0f : FloatMath.geluErf(x), x -> x < -3 ? 0 : geluErfReference(x), 16, -0.001f, -3f, 2.99f);
    double worst = 0;
    for (float x = -3f; x > -30f; x = Float.intBitsToFloat(Float.floatToRawIntBits(x) + 61)) {
      worst = Math.max(worst, Math.abs(FloatMath.geluErf(x) - geluErfReference(x)));
    }
    assertThat(worst).as("GELU below -3, absolute").isLessThanOrEqualTo(1e-8);
  }

  @Test
  void geluTanhWithinFourUlpOfHalfX() {
    // 1 + tanh(...) cancels for negative x (in ExecuTorch's float formula as here), so the error
    // is held to the scale of the terms, x/2, not of the result.
    double worst = 0;
    float at = 0;
    for (long bits = 0; bits < (1L << 32); bits += STRIDE) {
      float x = Float.intBitsToFloat((int) bits);
      if (Float.isNaN(x) || Float.isInfinite(x) || x == 0) {
        continue;
      }
      float got = FloatMath.geluTanh(x);
      double e = Math.abs(got - geluTanhReference(x)) / Math.max(Math.ulp(0.5f * x), Float.MIN_NORMAL);
      if (Float.isInfinite(got) && Double.isInfinite((float) geluTanhReference(x))) {
        e = 0;
      }
      if (e > worst) {
        worst = e;
        at = x;
      }
    }
    assertThat(worst).as("worst %s at %s", worst, at).isLessThanOrEqualTo(4);
  }

  @Test
  void edgeValuesBehaveAsTheScalarFunctions() {
    for (float x : new float[] {Float.NaN, Float.intBitsToFloat(0xffc00001)}) {
      assertThat(FloatMath.exp(x)).isNaN();
      assertThat(FloatMath.tanh(x)).isNaN();
      assertThat(FloatMath.sigmoid(x)).isNaN();
      assertThat(FloatMath.geluErf(x)).isNaN();
      assertThat(FloatMath.geluTanh(x)).isNaN();
    }
    assertThat(FloatMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(FloatMath.exp(88.73f)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(FloatMath.exp(88.72f)).isEqualTo((float) Math.exp(88.72f));
    assertThat(FloatMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
    assertThat(FloatMath.exp(-104f)).isEqualTo(0f);
    assertThat(FloatMath.exp(-103.9f)).isEqualTo(Float.MIN_VALUE);
    assertThat(FloatMath.exp(-100f)).isEqualTo((float) Math.exp(-100));
    assertThat(FloatMath.exp(0f)).isEqualTo(1f);
    assertThat(FloatMath.exp(-0f)).isEqualTo(1f);
    assertThat(Float.floatToRawIntBits(FloatMath.tanh(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(Float.floatToRawIntBits(FloatMath.tanh(0f))).isEqualTo(0);
    assertThat(FloatMath.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
    assertThat(FloatMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
    assertThat(FloatMath.tanh(Float.MIN_VALUE)).isEqualTo(Float.MIN_VALUE);
    assertThat(FloatMath.sigmoid(Float.POSITIVE_INFINITY)).isEqualTo(1f);
    assertThat(FloatMath.sigmoid(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
    assertThat(FloatMath.sigmoid(0f)).isEqualTo(0.5f);
    assertThat(FloatMath.sigmoid(-100f)).isEqualTo((float) Math.exp(-100));
    for (boolean tanh : new boolean[] {false, true}) {
      FloatFunction gelu = tanh ? FloatMath::geluTanh : FloatMath::geluErf;
      assertThat(gelu.apply(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
      assertThat(gelu.apply(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
      assertThat(gelu.apply(Float.MAX_VALUE)).isEqualTo(Float.MAX_VALUE);
      assertThat(Float.floatToRawIntBits(gelu.apply(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
      assertThat(gelu.apply(0f)).isEqualTo(0f);
    }
  }
}
