package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.portable.nn.NnTestTensors.at;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/** The 2-D pools against windows evaluated here, with PyTorch's output-size rules. */
class PoolingOpsTest {
  private final NnTestTensors data = new NnTestTensors(5);

  private static int outSize(int in, int k, int s, int p, int d, boolean ceil) {
    int num = in + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0);
    int o = Math.floorDiv(num, s) + 1;
    if (ceil && (o - 1) * s >= in + p) {
      o--;
    }
    return o;
  }

  @Test
  void avgPoolWithPaddingCeilModeAndDivisor() {
    int[][] cases = { // k, s, p, ceil, includePad, divisor
      {2, 2, 0, 0, 1, 0}, {3, 2, 1, 0, 1, 0}, {3, 2, 1, 0, 0, 0}, {3, 2, 1, 1, 0, 0},
      {3, 1, 1, 1, 1, 5}, {2, 3, 1, 1, 0, 0}};
    for (int[] cs : cases) {
      int k = cs[0];
      int s = cs[1];
      int p = cs[2];
      boolean ceil = cs[3] != 0;
      boolean includePad = cs[4] != 0;
      int divisor = cs[5];
      TensorImpl x = data.random(ScalarType.FLOAT, 2, 3, 7, 8);
      TensorImpl out = dynamicOut(ScalarType.FLOAT, 2 * 3 * 64, 1, 1, 1, 1);
      call("aten::avg_pool2d.out", v(x), ints(k, k), ints(s, s), ints(p, p), b(ceil),
          b(includePad), divisor == 0 ? none() : i(divisor), v(out), v(out));
      int oh = outSize(7, k, s, p, 1, ceil);
      int ow = outSize(8, k, s, p, 1, ceil);
      assertThat(out.sizes()).containsExactly(2, 3, oh, ow);
      double[] expected = new double[2 * 3 * oh * ow];
      int q = 0;
      for (int bi = 0; bi < 2; bi++) {
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++, q++) {
              int h0 = y * s - p;
              int w0 = xx * s - p;
              int h1 = Math.min(h0 + k, 7 + p);
              int w1 = Math.min(w0 + k, 8 + p);
              int pool = (h1 - h0) * (w1 - w0);
              double sum = 0;
              int n = 0;
              for (int iy = Math.max(h0, 0); iy < Math.min(h1, 7); iy++) {
                for (int ix = Math.max(w0, 0); ix < Math.min(w1, 8); ix++) {
                  sum += at(x, bi, c, iy, ix);
                  n++;
                }
              }
              expected[q] = sum / (divisor != 0 ? divisor : includePad ? pool : n);
            }
          }
        }
      }
      NnTestTensors.assertClose("avg_pool2d " + java.util.Arrays.toString(cs), out, expected, 1e-5);
    }
  }

  @Test
  void avgPoolOfChannelsLastInput() {
    TensorImpl x = data.randomChannelsLast(ScalarType.FLOAT, 1, 4, 6, 6);
    TensorImpl out = NnTestTensors.channelsLastOut(ScalarType.FLOAT, 4 * 9, 1, 4, 3, 3);
    call("aten::avg_pool2d.out", v(x), ints(2), ints(), ints(0), b(false), b(true), none(),
        v(out), v(out));
    double[] expected = new double[4 * 9];
    for (int c = 0; c < 4; c++) {
      for (int q = 0; q < 9; q++) {
        int y = q / 3 * 2;
        int xx = q % 3 * 2;
        expected[c * 9 + q] =
            (at(x, 0, c, y, xx) + at(x, 0, c, y + 1, xx) + at(x, 0, c, y, xx + 1)
                    + at(x, 0, c, y + 1, xx + 1)) / 4;
      }
    }
    NnTestTensors.assertClose("avg_pool2d channels-last", out, expected, 1e-6);
  }

  @Test
  void maxPoolReturnsValuesAndPlaneIndices() {
    int[][] cases = {{2, 2, 0, 1, 0}, {3, 2, 1, 1, 0}, {3, 2, 1, 1, 1}, {2, 1, 1, 2, 0}}; // k s p d ceil
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.INT}) {
      for (int[] cs : cases) {
        int k = cs[0];
        int s = cs[1];
        int p = cs[2];
        int d = cs[3];
        boolean ceil = cs[4] != 0;
        TensorImpl x = data.random(t, 3, 7, 9);
        int oh = outSize(7, k, s, p, d, ceil);
        int ow = outSize(9, k, s, p, d, ceil);
        TensorImpl out = dynamicOut(t, 3 * 100, 1, 1, 1);
        TensorImpl idx = dynamicOut(ScalarType.LONG, 3 * 100, 1, 1, 1);
        call("aten::max_pool2d_with_indices.out", v(x), ints(k, k), ints(s, s), ints(p, p),
            ints(d, d), b(ceil), v(out), v(idx), v(out), v(idx));
        assertThat(out.sizes()).containsExactly(3, oh, ow);
        assertThat(idx.sizes()).containsExactly(3, oh, ow);
        double[] expected = new double[3 * oh * ow];
        long[] expectedIdx = new long[expected.length];
        int q = 0;
        for (int c = 0; c < 3; c++) {
          for (int y = 0; y < oh; y++) {
            for (int xx = 0; xx < ow; xx++, q++) {
              double best = Double.NEGATIVE_INFINITY;
              long bestIdx = -1;
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = y * s - p + ky * d;
                  int ix = xx * s - p + kx * d;
                  if (iy >= 0 && iy < 7 && ix >= 0 && ix < 9 && at(x, c, iy, ix) > best) {
                    best = at(x, c, iy, ix);
                    bestIdx = (long) iy * 9 + ix;
                  }
                }
              }
              expected[q] = best;
              expectedIdx[q] = bestIdx;
            }
          }
        }
        NnTestTensors.assertClose("max_pool2d " + t + " " + java.util.Arrays.toString(cs), out,
            expected, 0);
        assertThat(longValues(idx)).as("indices " + java.util.Arrays.toString(cs))
            .containsExactly(expectedIdx);
      }
    }
  }

  @Test
  void maxPoolRejectsPaddingOverHalfTheKernel() {
    TensorImpl x = data.random(ScalarType.FLOAT, 1, 2, 5, 5);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 1, 2, 3, 3);
    TensorImpl idx = OpHarness.empty(ScalarType.LONG, 1, 2, 3, 3);
    assertThatThrownBy(() -> call("aten::max_pool2d_with_indices.out", v(x), ints(2, 2),
            ints(1, 1), ints(2, 2), ints(1, 1), b(false), v(out), v(idx), v(out), v(idx)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::max_pool2d_with_indices.out")
        .hasMessageContaining("padding");
  }

  @Test
  void int64MaxPoolKeepsTheExactExtremes() {
    // Through double, Long.MAX_VALUE rounds to 2^63 and converts back as Long.MIN_VALUE, and
    // values past 2^53 lose their low bits; ExecuTorch compares and stores int64 as int64.
    TensorImpl x = OpHarness.longTensor(new int[] {1, 2, 4}, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 53, -1,
        0, 5, (1L << 53) + 1, Long.MIN_VALUE + 1);
    TensorImpl out = OpHarness.empty(ScalarType.LONG, 1, 1, 2);
    TensorImpl idx = OpHarness.empty(ScalarType.LONG, 1, 1, 2);
    call("aten::max_pool2d_with_indices.out", v(x), ints(2, 2), ints(2, 2), ints(0, 0), ints(1, 1), b(false),
        v(out), v(idx), v(out), v(idx));
    assertThat(longValues(out)).containsExactly(Long.MAX_VALUE, (1L << 53) + 1);
    assertThat(longValues(idx)).containsExactly(1, 6);
  }

  @Test
  void adaptiveAvgPoolUsesOverlappingBins() {
    int[][] cases = {{7, 7, 3, 3}, {5, 6, 2, 4}, {4, 4, 4, 4}, {6, 5, 1, 1}};
    for (int[] cs : cases) {
      int h = cs[0];
      int w = cs[1];
      int oh = cs[2];
      int ow = cs[3];
      TensorImpl x = data.random(ScalarType.FLOAT, 2, 3, h, w);
      TensorImpl out = dynamicOut(ScalarType.FLOAT, 2 * 3 * oh * ow, 1, 1, 1, 1);
      call("aten::_adaptive_avg_pool2d.out", v(x), ints(oh, ow), v(out), v(out));
      assertThat(out.sizes()).containsExactly(2, 3, oh, ow);
      double[] expected = new double[2 * 3 * oh * ow];
      int q = 0;
      for (int pl = 0; pl < 6; pl++) {
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++, q++) {
            int h0 = y * h / oh;
            int h1 = ((y + 1) * h + oh - 1) / oh;
            int w0 = xx * w / ow;
            int w1 = ((xx + 1) * w + ow - 1) / ow;
            double sum = 0;
            for (int iy = h0; iy < h1; iy++) {
              for (int ix = w0; ix < w1; ix++) {
                sum += at(x, pl / 3, pl % 3, iy, ix);
              }
            }
            expected[q] = sum / ((h1 - h0) * (w1 - w0));
          }
        }
      }
      NnTestTensors.assertClose("adaptive " + java.util.Arrays.toString(cs), out, expected, 1e-5);
    }
  }
}
