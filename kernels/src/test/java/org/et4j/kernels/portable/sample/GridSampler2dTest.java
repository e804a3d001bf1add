package org.et4j.kernels.portable.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.portable.sample.SampleTesting.channelsLast;
import static org.et4j.kernels.portable.sample.SampleTesting.invalid;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class GridSampler2dTest {
  private static final String OP = "aten::grid_sampler_2d.out";
  private static final int BILINEAR = 0;
  private static final int NEAREST = 1;
  private static final int BICUBIC = 2;
  private static final int ZEROS = 0;
  private static final int BORDER = 1;
  private static final int REFLECTION = 2;

  private static double[] sample(TensorImpl in, TensorImpl grid, int mode, int padding, boolean align) {
    TensorImpl out = empty(in.dtype(), in.size(0), in.size(1), grid.size(1), grid.size(2));
    call(OP, v(in), v(grid), i(mode), i(padding), b(align), v(out), v(out));
    return values(out);
  }

  /** A [1, 1, points, 2] grid of (x, y) pairs. */
  private static TensorImpl points(ScalarType t, double... xy) {
    return tensor(t, new int[] {1, 1, xy.length / 2, 2}, xy);
  }

  /** The identity grid of an h x w image with align_corners. */
  private static TensorImpl identity(ScalarType t, int n, int h, int w) {
    double[] g = new double[n * h * w * 2];
    int k = 0;
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          g[k++] = w == 1 ? 0 : -1 + 2.0 * x / (w - 1);
          g[k++] = h == 1 ? 0 : -1 + 2.0 * y / (h - 1);
        }
      }
    }
    return tensor(t, new int[] {n, h, w, 2}, g);
  }

  @Test
  void identityGridReproducesTheInputInEveryMode() {
    double[] x = new double[2 * 3 * 3 * 4];
    for (int j = 0; j < x.length; j++) {
      x[j] = (j * 5 % 13) - 6;
    }
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      TensorImpl in = tensor(t, new int[] {2, 3, 3, 4}, x);
      TensorImpl grid = identity(t, 2, 3, 4);
      for (int mode : new int[] {BILINEAR, NEAREST, BICUBIC}) {
        for (int padding : new int[] {ZEROS, BORDER, REFLECTION}) {
          assertThat(sample(in, grid, mode, padding, true))
              .as("%s mode %d padding %d", t, mode, padding)
              .containsExactly(x, within(1e-5));
        }
      }
    }
  }

  @Test
  void bilinearByHand() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    // (0, 0) is the centre: ix = iy = 0.5. (-1, -1) is ix = iy = -0.5 without align_corners.
    TensorImpl grid = points(ScalarType.FLOAT, 0, 0, -1, -1, 0.5, -0.5);
    // (0.5, -0.5) -> ix = 1, iy = 0 -> pixel (0, 1) = 2
    assertThat(sample(in, grid, BILINEAR, ZEROS, false)).containsExactly(2.5, 0.25, 2);
    assertThat(sample(in, grid, BILINEAR, BORDER, false)).containsExactly(2.5, 1, 2);
    assertThat(sample(in, grid, BILINEAR, REFLECTION, false)).containsExactly(2.5, 1, 2);
    // With align_corners (-1, -1) is pixel (0, 0), (0, 0) still the centre, and (0.5, -0.5) is
    // ix = 0.75, iy = 0.25: 0.75 * (0.25 * 1 + 0.75 * 2) + 0.25 * (0.25 * 3 + 0.75 * 4) = 2.25.
    assertThat(sample(in, grid, BILINEAR, ZEROS, true)).containsExactly(2.5, 1, 2.25);
  }

  @Test
  void reflectionFoldsCoordinatesBack() {
    // W = 2, align_corners: x = 1.5 -> 1.25 -> reflected about 1 to 0.75; with H = 1 the row is fixed.
    TensorImpl in = tensor(ScalarType.DOUBLE, new int[] {1, 1, 1, 2}, 10, 20);
    TensorImpl grid = points(ScalarType.DOUBLE, 1.5, 0, -2, 0, 3, 0);
    // -2 -> -0.5 -> 0.5 ; 3 -> 2 -> reflected: 2 - 2*1 ... flips 2 -> extra 0 -> 0
    assertThat(sample(in, grid, BILINEAR, REFLECTION, true)).containsExactly(17.5, 15, 10);
    // Border clips: 1.5 -> 1, -2 -> 0, 3 -> 1.
    assertThat(sample(in, grid, BILINEAR, BORDER, true)).containsExactly(20, 10, 20);
    // Zeros: 1.25 keeps 0.75 of pixel 1 (pixel 2 is outside).
    assertThat(sample(in, grid, BILINEAR, ZEROS, true)).containsExactly(15, 5, 0);
  }

  @Test
  void nearestRoundsHalfToEven() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 4}, 10, 20, 30, 40);
    // W = 4 without align_corners: x = -0.5 -> ix = 0.5 -> 0; x = 0 -> 1.5 -> 2; x = 0.5 -> 2.5 -> 2
    TensorImpl grid = points(ScalarType.FLOAT, -0.5, 0, 0, 0, 0.5, 0, 1.2, 0, -1.3, 0);
    // 1.2 -> 3.9 -> 4 (outside); -1.3 -> -1.1 -> -1 (outside)
    assertThat(sample(in, grid, NEAREST, ZEROS, false)).containsExactly(10, 30, 30, 0, 0);
    assertThat(sample(in, grid, NEAREST, BORDER, false)).containsExactly(10, 30, 30, 40, 10);
  }

  @Test
  void bicubicByHand() {
    // Between pixels 1 and 2 of [0, 1, 8, 27] the A = -0.75 weights are -3/32, 19/32, 19/32, -3/32.
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 4}, 0, 1, 8, 27);
    TensorImpl grid = points(ScalarType.FLOAT, 0, 0);
    assertThat(sample(in, grid, BICUBIC, ZEROS, true)).containsExactly(2.8125);
    // At x = -1 (pixel 0) zeros padding gives pixel 0's value; border replicates it into -1.
    TensorImpl edge = points(ScalarType.FLOAT, -1, 0, -5.0 / 6, 0);
    double[] zeros = sample(in, edge, BICUBIC, ZEROS, true);
    double[] border = sample(in, edge, BICUBIC, BORDER, true);
    assertThat(zeros[0]).isEqualTo(0);
    // x = -5/6 -> ix = 0.25: taps -1, 0, 1, 2.
    double[] w = cubicWeights(0.25);
    assertThat(zeros[1]).isCloseTo(w[0] * 0 + w[1] * 0 + w[2] * 1 + w[3] * 8, within(1e-5));
    assertThat(border[1]).isCloseTo(w[0] * 0 + w[1] * 0 + w[2] * 1 + w[3] * 8, within(1e-5));
    double[] reflection = sample(in, edge, BICUBIC, REFLECTION, true);
    // tap -1 reflects to 1
    assertThat(reflection[1]).isCloseTo(w[0] * 1 + w[1] * 0 + w[2] * 1 + w[3] * 8, within(1e-5));
  }

  private static double[] cubicWeights(double t) {
    double a = -0.75;
    java.util.function.DoubleUnaryOperator near = x -> ((a + 2) * x - (a + 3)) * x * x + 1;
    java.util.function.DoubleUnaryOperator far = x -> ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return new double[] {far.applyAsDouble(t + 1), near.applyAsDouble(t), near.applyAsDouble(1 - t), far.applyAsDouble(2 - t)};
  }

  @Test
  void halfComputesBilinearInFloat() {
    double[] x = {0.5, 1.5, -2, 3, 4.25, -1, 0, 2};
    TensorImpl f = tensor(ScalarType.FLOAT, new int[] {1, 2, 2, 2}, x);
    double[] g = {0.3, -0.7, -0.9, 0.1, 0.55, 0.45};
    double[] expected = sample(f, points(ScalarType.FLOAT, g), BILINEAR, ZEROS, false);
    TensorImpl h = tensor(ScalarType.HALF, new int[] {1, 2, 2, 2}, x);
    assertThat(sample(h, points(ScalarType.HALF, g), BILINEAR, ZEROS, false)).containsExactly(expected, within(0.02));
    TensorImpl bf = tensor(ScalarType.BFLOAT16, new int[] {1, 2, 2, 2}, x);
    assertThat(sample(bf, points(ScalarType.BFLOAT16, g), BILINEAR, BORDER, false))
        .containsExactly(sample(f, points(ScalarType.FLOAT, g), BILINEAR, BORDER, false), within(0.1));
  }

  @Test
  void integerTensorsComputeInIntegers() {
    TensorImpl in = tensor(ScalarType.INT, new int[] {1, 1, 2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl grid = tensor(ScalarType.INT, new int[] {1, 1, 3, 2}, -1, -1, 1, 1, 0, 0);
    TensorImpl out = empty(ScalarType.INT, 1, 1, 1, 3);
    call(OP, v(in), v(grid), i(BILINEAR), i(ZEROS), b(true), v(out), v(out));
    // (0, 0) -> ix = (1 / 2) * 2 = 0 in integer arithmetic, iy = 0.
    assertThat(longValues(out)).containsExactly(1, 6, 1);
  }

  @Test
  void singlePixelInputWithAlignCornersIsConstant() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 1}, 5);
    TensorImpl grid = points(ScalarType.FLOAT, -1, -1, 0.3, 0.7, 1, -0.2, 2.5, -3);
    for (int mode : new int[] {BILINEAR, NEAREST, BICUBIC}) {
      for (int padding : new int[] {ZEROS, BORDER, REFLECTION}) {
        assertThat(sample(in, grid, mode, padding, true)).as("mode %d padding %d", mode, padding).containsOnly(5);
      }
    }
  }

  @Test
  void halfBicubicAndNearestComputeInHalf() {
    double[] x = {0.5, 1.5, -2, 3, 4.25, -1, 0, 2, 1, 1, 2, 2};
    double[] g = {0.3, -0.7, -0.9, 0.1, 0.55, 0.45, 1.2, -1.1};
    TensorImpl f = tensor(ScalarType.FLOAT, new int[] {1, 1, 3, 4}, x);
    TensorImpl h = tensor(ScalarType.HALF, new int[] {1, 1, 3, 4}, x);
    for (int mode : new int[] {NEAREST, BICUBIC}) {
      for (int padding : new int[] {ZEROS, BORDER, REFLECTION}) {
        for (boolean align : new boolean[] {false, true}) {
          double[] expected = sample(f, points(ScalarType.FLOAT, g), mode, padding, align);
          assertThat(sample(h, points(ScalarType.HALF, g), mode, padding, align))
              .as("mode %d padding %d align %s", mode, padding, align)
              .containsExactly(expected, within(0.05));
        }
      }
    }
  }

  @Test
  void shapesAndErrors() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl grid = points(ScalarType.FLOAT, 0, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 1, 1);
    invalid(OP, v(in), v(grid), i(3), i(0), b(false), v(out), v(out)).hasMessageContaining("interpolation_mode 3");
    invalid(OP, v(in), v(grid), i(0), i(3), b(false), v(out), v(out)).hasMessageContaining("padding_mode 3");
    TensorImpl grid3 = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 3}, 0, 0, 0);
    invalid(OP, v(in), v(grid3), i(0), i(0), b(false), v(out), v(out)).hasMessageContaining("last dimension");
    TensorImpl grid2 = tensor(ScalarType.FLOAT, new int[] {2, 1, 1, 2}, 0, 0, 0, 0);
    invalid(OP, v(in), v(grid2), i(0), i(0), b(false), v(out), v(out)).hasMessageContaining("batch");
    TensorImpl gridD = tensor(ScalarType.DOUBLE, new int[] {1, 1, 1, 2}, 0, 0);
    invalid(OP, v(in), v(gridD), i(0), i(0), b(false), v(out), v(out)).hasMessageContaining("dtype");
    TensorImpl cl = channelsLast(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    invalid(OP, v(cl), v(grid), i(0), i(0), b(false), v(out), v(out)).hasMessageContaining("contiguous");
    TensorImpl bools = tensor(ScalarType.BOOL, new int[] {1, 1, 2, 2}, 1, 0, 1, 0);
    TensorImpl bgrid = tensor(ScalarType.BOOL, new int[] {1, 1, 1, 2}, 0, 0);
    TensorImpl bout = empty(ScalarType.BOOL, 1, 1, 1, 1);
    invalid(OP, v(bools), v(bgrid), i(0), i(0), b(false), v(bout), v(bout)).hasMessageContaining("bool");
    TensorImpl emptyPlane = empty(ScalarType.FLOAT, 1, 1, 0, 2);
    invalid(OP, v(emptyPlane), v(grid), i(0), i(BORDER), b(false), v(out), v(out)).hasMessageContaining("empty");
    // Zeros padding of an empty plane samples nothing: zeros.
    call(OP, v(emptyPlane), v(grid), i(BILINEAR), i(ZEROS), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(0);

    // Dynamic out takes [N, C, H_out, W_out]; an empty batch gives an empty out.
    TensorImpl dyn = dynamicOut(ScalarType.FLOAT, 16, 1, 1, 1, 1);
    TensorImpl grid23 = identity(ScalarType.FLOAT, 1, 2, 3);
    call(OP, v(in), v(grid23), i(BILINEAR), i(ZEROS), b(true), v(dyn), v(dyn));
    assertThat(dyn.sizes()).containsExactly(1, 1, 2, 3);
    assertThat(values(dyn)).containsExactly(new double[] {1, 1.5, 2, 3, 3.5, 4}, within(1e-6));
    TensorImpl none = empty(ScalarType.FLOAT, 0, 1, 2, 2);
    TensorImpl noGrid = empty(ScalarType.FLOAT, 0, 2, 2, 2);
    TensorImpl noOut = empty(ScalarType.FLOAT, 0, 1, 2, 2);
    call(OP, v(none), v(noGrid), i(BICUBIC), i(REFLECTION), b(false), v(noOut), v(noOut));
    assertThat(noOut.numel()).isZero();
  }
}
