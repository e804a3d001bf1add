package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shared requantization and bound arithmetic against hand-worked values and the reference. */
class StaticQuantizedArithmeticTest {

  @Test
  void quantizeBoundMapsTheNodeClampLikeXnnQs8Quantize() {
    // relu: 0 maps to the zero point exactly.
    assertThat(StaticQuantization.quantizeBound(0f, 0.1f, -5)).isEqualTo(-5);
    assertThat(StaticQuantization.quantizeBound(Float.POSITIVE_INFINITY, 0.1f, -5)).isEqualTo(127);
    assertThat(StaticQuantization.quantizeBound(Float.NEGATIVE_INFINITY, 0.1f, -5)).isEqualTo(-128);
    // fmaxf(NaN, -128) is -128.
    assertThat(StaticQuantization.quantizeBound(Float.NaN, 0.1f, 0)).isEqualTo(-128);
    // Ties round to even: 1.25 / 0.5 = 2.5, 1.75 / 0.5 = 3.5, 1.25 / 0.5 + 3 = 5.5.
    assertThat(StaticQuantization.quantizeBound(1.25f, 0.5f, 0)).isEqualTo(2);
    assertThat(StaticQuantization.quantizeBound(1.75f, 0.5f, 0)).isEqualTo(4);
    assertThat(StaticQuantization.quantizeBound(1.25f, 0.5f, 3)).isEqualTo(6);
    assertThat(StaticQuantization.quantizeBound(-1.25f, 0.5f, 0)).isEqualTo(-2);
    // relu6 with scale 6/255 and zero point -128: 6 / (6/255) - 128 rounds to 127.
    assertThat(StaticQuantization.quantizeBound(6f, 6f / 255f, -128)).isEqualTo(127);
    assertThat(StaticQuantization.outputRange(0f, Float.POSITIVE_INFINITY, 0.05f, -7))
        .containsExactly(-7, 127);
    assertThat(
            StaticQuantization.outputRange(
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0.05f, 9))
        .containsExactly(-128, 127);
    assertThatThrownBy(() -> StaticQuantization.outputRange(1f, 0f, 0.05f, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void requantizeRoundsTiesToEvenAndSaturates() {
    assertThat(StaticQuantization.requantize(5, 0.5f, 0, -128, 127)).isEqualTo(2);
    assertThat(StaticQuantization.requantize(7, 0.5f, 0, -128, 127)).isEqualTo(4);
    assertThat(StaticQuantization.requantize(-5, 0.5f, 0, -128, 127)).isEqualTo(-2);
    assertThat(StaticQuantization.requantize(-7, 0.5f, 0, -128, 127)).isEqualTo(-4);
    assertThat(StaticQuantization.requantize(-1, 0.5f, 3, -128, 127)).isEqualTo(3);
    assertThat(StaticQuantization.requantize(1000, 1f, 10, -128, 127)).isEqualTo(127);
    assertThat(StaticQuantization.requantize(-1000, 1f, -10, -128, 127)).isEqualTo(-128);
    assertThat(StaticQuantization.requantize(Integer.MAX_VALUE, 255f, 0, -128, 127))
        .isEqualTo(127);
    assertThat(StaticQuantization.requantize(Integer.MIN_VALUE, 255f, 0, -128, 127))
        .isEqualTo(-128);
    // relu: qmin is the zero point.
    assertThat(StaticQuantization.requantize(-3, 1f, -5, -5, 127)).isEqualTo(-5);
    assertThat(StaticQuantization.requantize(3, 1f, -5, -5, 127)).isEqualTo(-2);
  }

  @Test
  void requantizeMatchesTheLrintfReference() {
    Random r = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      int acc = r.nextInt(1 << 20) - (1 << 19);
      float scale = (float) Math.scalb(r.nextFloat() + 0.5f, -r.nextInt(16));
      int zp = r.nextInt(256) - 128;
      int qmin = r.nextBoolean() ? -128 : zp;
      int qmax = r.nextBoolean() ? 127 : Math.max(qmin, 100);
      assertThat(StaticQuantization.requantize(acc, scale, zp, qmin, qmax))
          .isEqualTo(Qs8Reference.requantize(acc, scale, zp, qmin, qmax));
    }
  }

  @Test
  void requantizationScaleIsLeftToRightAndBelow256() {
    float in = 0.0123f;
    float w = 0.00731f;
    float out = 0.0456f;
    assertThat(StaticQuantization.requantizationScale(in, w, out)).isEqualTo(in * w / out);
    assertThatThrownBy(() -> StaticQuantization.requantizationScale(16f, 16f, 1f))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
