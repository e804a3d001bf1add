package org.et4j.kernels.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SpecialMathTest {
  @Test
  void erfAndErfcAgainstKnownValues() {
    // Values from the standard tables (15+ significant digits).
    assertThat(SpecialMath.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
    assertThat(SpecialMath.erf(1.0)).isCloseTo(0.8427007929497149, within(1e-15));
    assertThat(SpecialMath.erf(2.0)).isCloseTo(0.9953222650189527, within(1e-15));
    assertThat(SpecialMath.erf(-3.0)).isCloseTo(-0.9999779095030014, within(1e-15));
    assertThat(SpecialMath.erfc(3.0)).isCloseTo(2.209049699858544e-05, within(1e-19));
    assertThat(SpecialMath.erfc(5.0)).isCloseTo(1.5374597944280349e-12, within(1e-25));
    assertThat(SpecialMath.erfc(10.0)).isCloseTo(2.088487583762545e-45, within(1e-57));
    assertThat(SpecialMath.erf(0.0)).isZero();
    assertThat(1 / SpecialMath.erf(-0.0)).isNegative();
    assertThat(SpecialMath.erf(Double.NaN)).isNaN();
    assertThat(SpecialMath.erf(Double.POSITIVE_INFINITY)).isEqualTo(1.0);
  }

  @Test
  void erfIsContinuousAtTheSwitchPoint() {
    double below = SpecialMath.erfc(Math.nextDown(2.5));
    double above = SpecialMath.erfc(2.5);
    // Below the switch erfc is 1 - erf: absolute error ~1e-16, relative ~1e-13 at 2.5.
    assertThat(above).isCloseTo(below, within(1e-12 * below));
  }

  @Test
  void inverseHyperbolics() {
    for (double x : new double[] {-1e6, -3, -0.5, -1e-10, 1e-10, 0.5, 3, 1e6}) {
      assertThat(Math.sinh(SpecialMath.asinh(x))).isCloseTo(x, within(1e-12 * Math.abs(x)));
    }
    for (double x : new double[] {1, 1.0000001, 2, 100}) {
      assertThat(Math.cosh(SpecialMath.acosh(x))).isCloseTo(x, within(1e-12 * x));
    }
    for (double x : new double[] {-0.999, -0.5, 1e-12, 0.5, 0.999}) {
      assertThat(Math.tanh(SpecialMath.atanh(x))).isCloseTo(x, within(1e-14));
    }
    assertThat(SpecialMath.acosh(0.5)).isNaN();
    assertThat(SpecialMath.atanh(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(SpecialMath.log2(1024)).isEqualTo(10.0);
    assertThat(SpecialMath.log2(0.125)).isEqualTo(-3.0);
    assertThat(SpecialMath.log2(10)).isCloseTo(3.321928094887362, within(1e-15));
  }
}
