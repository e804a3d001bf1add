package org.et4j.kernels.portable.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.portable.sample.SampleTesting.channelsLast;
import static org.et4j.kernels.portable.sample.SampleTesting.doubles;
import static org.et4j.kernels.portable.sample.SampleTesting.invalid;
import static org.et4j.kernels.portable.sample.SampleTesting.logicalValues;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class UpsampleOpsTest {
  private static final String BILINEAR = "aten::upsample_bilinear2d.vec_out";
  private static final String AA = "aten::_upsample_bilinear2d_aa.out";
  private static final String NEAREST = "aten::upsample_nearest2d.vec_out";

  private static double[] bilinear(TensorImpl in, Value outputSize, boolean align, Value scales, TensorImpl out) {
    call(BILINEAR, v(in), outputSize, b(align), scales, v(out), v(out));
    return values(out);
  }

  /** PyTorch's bilinear upsampling of one NCHW tensor, in double. */
  private static double[] reference(double[] x, int n, int c, int h, int w, int oh, int ow, boolean align, double sh, double sw) {
    double[] y = new double[n * c * oh * ow];
    int k = 0;
    for (int p = 0; p < n * c; p++) {
      for (int i = 0; i < oh; i++) {
        double[] hi = source(i, h, oh, align, sh);
        for (int j = 0; j < ow; j++) {
          double[] wj = source(j, w, ow, align, sw);
          int base = p * h * w;
          double top = x[base + (int) hi[0] * w + (int) wj[0]] * (1 - wj[2]) + x[base + (int) hi[0] * w + (int) wj[1]] * wj[2];
          double bottom = x[base + (int) hi[1] * w + (int) wj[0]] * (1 - wj[2]) + x[base + (int) hi[1] * w + (int) wj[1]] * wj[2];
          y[k++] = top * (1 - hi[2]) + bottom * hi[2];
        }
      }
    }
    return y;
  }

  /** {index0, index1, lambda1} of output index o. */
  private static double[] source(int o, int in, int out, boolean align, double scale) {
    double real;
    if (align) {
      real = out > 1 ? o * (in - 1.0) / (out - 1.0) : 0;
    } else {
      real = Math.max(0, (o + 0.5) / scale - 0.5);
    }
    int i0 = Math.min((int) Math.floor(real), in - 1);
    int i1 = Math.min(i0 + 1, in - 1);
    return new double[] {i0, i1, Math.min(real - i0, 1)};
  }

  @Test
  void bilinearHalfPixelByHand() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 4, 4);
    assertThat(bilinear(in, ints(4, 4), false, none(), out))
        .containsExactly(
            1, 1.25, 1.75, 2,
            1.5, 1.75, 2.25, 2.5,
            2.5, 2.75, 3.25, 3.5,
            3, 3.25, 3.75, 4);
  }

  @Test
  void bilinearAlignCornersByHand() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 3, 3);
    assertThat(bilinear(in, ints(3, 3), true, none(), out)).containsExactly(1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4);
  }

  @Test
  void bilinearAlignCornersToSizeOneTakesTheFirstPixel() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 2, 2, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 2, 1, 1);
    assertThat(bilinear(in, ints(1, 1), true, none(), out)).containsExactly(1, 7);
    // Without align_corners a 2x3 -> 1x1 samples the centre: (1.5 - 0.5 / 2 ...) as PyTorch.
    double[] expected = reference(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 1, 2, 2, 3, 1, 1, false, 0.5, 1.0 / 3);
    assertThat(bilinear(in, ints(1, 1), false, none(), out)).containsExactly(expected, within(1e-5));
  }

  @Test
  void bilinearScaleFactorsAndOddSizesMatchTheReference() {
    double[] x = new double[2 * 3 * 3 * 5];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i * 7 % 11) - 3.5;
    }
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3, 3, 5}, x);
    for (boolean align : new boolean[] {false, true}) {
      // scale_factors 2.0 x 1.5: out 6 x 7 (7.5 truncated), scales used as given.
      TensorImpl out = empty(ScalarType.FLOAT, 2, 3, 6, 7);
      double[] got = bilinear(in, none(), align, doubles(2.0, 1.5), out);
      assertThat(got).containsExactly(reference(x, 2, 3, 3, 5, 6, 7, align, 2.0, 1.5), within(1e-5));
      // output_size 7 x 3 (downsampling width).
      TensorImpl out2 = empty(ScalarType.FLOAT, 2, 3, 7, 3);
      got = bilinear(in, ints(7, 3), align, none(), out2);
      assertThat(got).containsExactly(reference(x, 2, 3, 3, 5, 7, 3, align, 7 / 3.0, 3 / 5.0), within(1e-5));
    }
  }

  @Test
  void bilinearSameSizeIsACopyAndDoubleIsExact() {
    TensorImpl in = tensor(ScalarType.DOUBLE, new int[] {1, 1, 2, 3}, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    TensorImpl out = empty(ScalarType.DOUBLE, 1, 1, 2, 3);
    assertThat(bilinear(in, ints(2, 3), false, none(), out)).containsExactly(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
  }

  @Test
  void bilinearIntegersTruncate() {
    TensorImpl in = tensor(ScalarType.INT, new int[] {1, 1, 1, 2}, 0, 2);
    TensorImpl out = empty(ScalarType.INT, 1, 1, 1, 4);
    // positions 0, 1/3, 2/3, 1 -> 0, 0.67, 1.33, 2 -> truncated
    call(BILINEAR, v(in), ints(1, 4), b(true), none(), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 0, 1, 2);
  }

  @Test
  void bilinearHalfAndBfloat16FollowFloat() {
    double[] x = {0.5, -1.25, 2, 3.5, 0, 1, -2, 4, 0.25};
    TensorImpl f = tensor(ScalarType.FLOAT, new int[] {1, 1, 3, 3}, x);
    TensorImpl fo = empty(ScalarType.FLOAT, 1, 1, 5, 4);
    double[] expected = bilinear(f, ints(5, 4), false, none(), fo);
    for (ScalarType t : new ScalarType[] {ScalarType.HALF, ScalarType.BFLOAT16}) {
      TensorImpl in = tensor(t, new int[] {1, 1, 3, 3}, x);
      TensorImpl out = empty(t, 1, 1, 5, 4);
      assertThat(bilinear(in, ints(5, 4), false, none(), out)).containsExactly(expected, within(0.05));
    }
  }

  @Test
  void bilinearChannelsLastMatchesContiguous() {
    double[] x = new double[2 * 3 * 2 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 0.5 - 4;
    }
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3, 2, 3}, x);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3, 3, 5);
    double[] expected = bilinear(in, ints(3, 5), false, none(), out);
    TensorImpl inCl = channelsLast(ScalarType.FLOAT, new int[] {2, 3, 2, 3}, x);
    TensorImpl outCl = channelsLast(ScalarType.FLOAT, new int[] {2, 3, 3, 5});
    call(BILINEAR, v(inCl), ints(3, 5), b(false), none(), v(outCl), v(outCl));
    assertThat(logicalValues(outCl)).containsExactly(expected);
    // Mixed dim orders are rejected.
    invalid(BILINEAR, v(inCl), ints(3, 5), b(false), none(), v(out), v(out)).hasMessageContaining("dim order");
  }

  @Test
  void bilinearResizesDynamicOutAndAcceptsEmptyBatch() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 64, 1, 1, 1, 1);
    bilinear(in, ints(4, 4), false, none(), out);
    assertThat(out.sizes()).containsExactly(1, 1, 4, 4);
    assertThat(values(out)[5]).isEqualTo(1.75);

    TensorImpl noBatch = empty(ScalarType.FLOAT, 0, 2, 3, 3);
    TensorImpl noOut = empty(ScalarType.FLOAT, 0, 2, 6, 6);
    call(BILINEAR, v(noBatch), none(), b(false), doubles(2, 2), v(noOut), v(noOut));
    assertThat(noOut.numel()).isZero();
  }

  @Test
  void bilinearRejectsBadArguments() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 4, 4);
    invalid(BILINEAR, v(in), ints(4, 4), b(false), doubles(2, 2), v(out), v(out)).hasMessageContaining("exactly one");
    invalid(BILINEAR, v(in), none(), b(false), none(), v(out), v(out)).hasMessageContaining("exactly one");
    invalid(BILINEAR, v(in), ints(4, 0), b(false), none(), v(out), v(out)).hasMessageContaining("output_size");
    invalid(BILINEAR, v(in), ints(4), b(false), none(), v(out), v(out)).hasMessageContaining("output_size");
    invalid(BILINEAR, v(in), none(), b(false), doubles(2, -1), v(out), v(out)).hasMessageContaining("scale_factors");
    invalid(BILINEAR, v(in), none(), b(false), doubles(0.1, 0.1), v(out), v(out)).hasMessageContaining("non-empty");
    TensorImpl in3 = tensor(ScalarType.FLOAT, new int[] {1, 2, 2}, 1, 2, 3, 4);
    invalid(BILINEAR, v(in3), ints(4, 4), b(false), none(), v(out), v(out)).hasMessageContaining("4-D");
    TensorImpl bools = tensor(ScalarType.BOOL, new int[] {1, 1, 2, 2}, 1, 0, 1, 0);
    TensorImpl boolOut = empty(ScalarType.BOOL, 1, 1, 4, 4);
    invalid(BILINEAR, v(bools), ints(4, 4), b(false), none(), v(boolOut), v(boolOut)).hasMessageContaining("bool");
    TensorImpl dOut = empty(ScalarType.DOUBLE, 1, 1, 4, 4);
    invalid(BILINEAR, v(in), ints(4, 4), b(false), none(), v(dOut), v(dOut)).hasMessageContaining("dtype");
    // A static out of the wrong size cannot be resized.
    TensorImpl small = empty(ScalarType.FLOAT, 1, 1, 3, 3);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> call(BILINEAR, v(in), ints(4, 4), b(false), none(), v(small), v(small))))
        .hasMessageContaining(BILINEAR);
    // Sampling from an empty plane.
    TensorImpl emptyPlane = empty(ScalarType.FLOAT, 1, 1, 0, 2);
    invalid(BILINEAR, v(emptyPlane), ints(4, 4), b(false), none(), v(out), v(out)).hasMessageContaining("empty");
  }

  @Test
  void nearestRepeatsAndUsesFloorOfScaledIndex() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 4, 6);
    call(NEAREST, v(in), ints(4, 6), none(), v(out), v(out));
    assertThat(values(out))
        .containsExactly(
            1, 1, 2, 2, 3, 3,
            1, 1, 2, 2, 3, 3,
            4, 4, 5, 5, 6, 6,
            4, 4, 5, 5, 6, 6);
    // 3 -> 2: scale 1.5, sources 0 and floor(1.5) = 1; 2 -> 3: scale 2/3, sources 0, 0, 1.
    TensorImpl in2 = tensor(ScalarType.FLOAT, new int[] {1, 1, 3, 2}, 1, 2, 3, 4, 5, 6);
    TensorImpl out2 = empty(ScalarType.FLOAT, 1, 1, 2, 3);
    call(NEAREST, v(in2), ints(2, 3), none(), v(out2), v(out2));
    assertThat(values(out2)).containsExactly(1, 1, 2, 3, 3, 4);
  }

  @Test
  void nearestCopiesInt64ExactlyWithScaleFactorsAndChannelsLast() {
    long big = (1L << 53) + 1;
    TensorImpl in = longTensor(new int[] {1, 1, 1, 2}, big, -big);
    TensorImpl out = empty(ScalarType.LONG, 1, 1, 2, 4);
    call(NEAREST, v(in), none(), doubles(2, 2), v(out), v(out));
    assertThat(longValues(out)).containsExactly(big, big, -big, -big, big, big, -big, -big);

    double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
    TensorImpl cl = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 2, 2}, x);
    TensorImpl clOut = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 4, 2});
    call(NEAREST, v(cl), ints(4, 2), none(), v(clOut), v(clOut));
    assertThat(logicalValues(clOut)).containsExactly(1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 7, 8, 7, 8);
  }

  @Test
  void nearestRejectsBadArguments() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 4, 4);
    invalid(NEAREST, v(in), ints(4, 4), doubles(2, 2), v(out), v(out)).hasMessageContaining("exactly one");
    invalid(NEAREST, v(in), ints(-1, 4), none(), v(out), v(out)).hasMessageContaining("output_size");
  }

  private static double[] aa(TensorImpl in, Value size, boolean align, Value sh, Value sw, TensorImpl out) {
    call(AA, v(in), size, b(align), sh, sw, v(out), v(out));
    return values(out);
  }

  @Test
  void antialiasedDownsamplingByHand() {
    // 1x4 -> 1x2: scale 2, support 2; taps 0..2 with weights 3/7, 3/7, 1/7 and 1..3 with 1/7, 3/7, 3/7.
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 4}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 1, 2);
    assertThat(aa(in, ints(1, 2), false, none(), none(), out)).containsExactly(new double[] {12 / 7.0, 23 / 7.0}, within(1e-6));
    // Given scales are used only when both are present.
    assertThat(aa(in, ints(1, 2), false, d(1.0), d(0.5), out)).containsExactly(new double[] {12 / 7.0, 23 / 7.0}, within(1e-6));
    assertThat(aa(in, ints(1, 2), false, none(), d(0.25), out)).containsExactly(new double[] {12 / 7.0, 23 / 7.0}, within(1e-6));
  }

  @Test
  void antialiasedUpsamplingIsBilinear() {
    double[] x = {1, -2, 3.5, 4, 0.5, 6, -7, 8, 9};
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 3, 3}, x);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 6, 5);
    TensorImpl ref = empty(ScalarType.FLOAT, 1, 1, 6, 5);
    assertThat(aa(in, ints(6, 5), false, none(), none(), out))
        .containsExactly(bilinear(in, ints(6, 5), false, none(), ref), within(1e-5));
  }

  @Test
  void antialiasedAlignCornersChangesOnlyTheScaleAndIntegersTruncateEachStep() {
    // align_corners: scale (4-1)/(2-1) = 3: support 3 around 1.5 and 4.5.
    TensorImpl in = tensor(ScalarType.DOUBLE, new int[] {1, 1, 1, 4}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.DOUBLE, 1, 1, 1, 2);
    double[] got = aa(in, ints(1, 2), true, none(), none(), out);
    // centre 1.5, taps 0..3 with filter(|x + 0.5 - 1.5| / 3): 2/3, 1, 2/3, 1/3 (sum 8/3)
    // centre 4.5, taps 2..3: filter(|2.5 - 4.5| / 3) = 1/3, filter(1 / 3) = 2/3 (sum 1)
    assertThat(got).containsExactly(new double[] {(2 / 3.0 + 2 + 2 + 4 / 3.0) / (8 / 3.0), 3 / 3.0 + 8 / 3.0}, within(1e-6));

    TensorImpl ints = tensor(ScalarType.INT, new int[] {1, 1, 1, 4}, 1, 2, 3, 4);
    TensorImpl intOut = empty(ScalarType.INT, 1, 1, 1, 2);
    call(AA, v(ints), ints(1, 2), b(false), none(), none(), v(intOut), v(intOut));
    // 1*3/7 -> 0, + 2*3/7 -> 0, + 3/7 -> 0; 2/7 -> 0, + 9/7 -> 1, + 12/7 -> 2
    assertThat(longValues(intOut)).containsExactly(0, 2);
  }

  @Test
  void antialiasedChannelsLastAndErrors() {
    double[] x = new double[1 * 2 * 4 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 5;
    }
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 2, 4, 4}, x);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 2, 3, 2);
    double[] expected = aa(in, ints(3, 2), false, none(), none(), out);
    TensorImpl cl = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 4, 4}, x);
    TensorImpl clOut = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 3, 2});
    call(AA, v(cl), ints(3, 2), b(false), none(), none(), v(clOut), v(clOut));
    assertThat(logicalValues(clOut)).containsExactly(expected, within(1e-6));

    invalid(AA, v(in), ints(3, 0), b(false), none(), none(), v(out), v(out)).hasMessageContaining("output_size");
    invalid(AA, v(in), ints(3), b(false), none(), none(), v(out), v(out)).hasMessageContaining("output_size");
    TensorImpl wrongDtype = empty(ScalarType.DOUBLE, 1, 2, 3, 2);
    invalid(AA, v(in), ints(3, 2), b(false), none(), none(), v(wrongDtype), v(wrongDtype));
  }
}
