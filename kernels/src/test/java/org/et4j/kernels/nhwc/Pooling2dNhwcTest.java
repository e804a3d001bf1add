package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.nhwc.NhwcTesting.CHANNELS;
import static org.et4j.kernels.nhwc.NhwcTesting.EPS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Pooling2dNhwc} and {@link GlobalAvgPooling2dNhwc} against naive loops written here
 * (max pooling exactly), and the chosen implementation against the scalar twin.
 */
class Pooling2dNhwcTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  /** kh, kw, sh, sw, dh, dw, padTop, padRight, padBottom, padLeft. */
  private static final int[][] MAX_GEOMETRIES = {
    {3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
    {2, 2, 2, 2, 1, 1, 0, 0, 0, 0},
    {3, 3, 1, 1, 1, 1, 0, 1, 1, 0},
    {3, 3, 1, 1, 2, 2, 2, 1, 0, 2},
    {5, 5, 2, 1, 1, 2, 2, 2, 1, 0},
    {1, 1, 2, 2, 1, 1, 0, 0, 0, 0},
  };
  /** kh, kw, sh, sw, padTop, padRight, padBottom, padLeft. */
  private static final int[][] AVG_GEOMETRIES = {
    {2, 2, 2, 2, 0, 0, 0, 0},
    {3, 3, 1, 1, 0, 0, 0, 0},
    {3, 3, 2, 2, 1, 1, 1, 1},
    {3, 3, 1, 2, 0, 1, 2, 1},
    {5, 5, 2, 2, 2, 2, 2, 2},
    {2, 3, 1, 1, 1, 0, 1, 2},
  };
  private static final float[][] CLAMPS = {{-INF, INF}, {0f, 6f}, {-0.25f, 0.3f}};

  private final SplittableRandom random = new SplittableRandom(11);

  @Test
  void maxPoolingIsExactOverEveryTailAndGeometry() {
    int run = 0;
    for (int c : CHANNELS) {
      for (int[] g : MAX_GEOMETRIES) {
        float[] clamp = CLAMPS[run++ % CLAMPS.length];
        checkMax(2, 7, 8, c, g, clamp[0], clamp[1]);
      }
    }
    checkMax(1, 13, 13, 64, MAX_GEOMETRIES[0], -INF, INF);
  }

  @Test
  void maxPoolingWindowWithoutValidTapReadsTheBorderLikeXnnpack() {
    // Height 1, 2 taps 3 apart, padding 2 on top and bottom: the first window's taps fall at -2
    // and +1, both outside; XNNPACK's indirection reads row 0 for it, the only row there is.
    checkMax(2, 1, 5, 9, new int[] {2, 2, 1, 1, 3, 1, 2, 0, 2, 1}, -INF, INF);
  }

  @Test
  void averagePoolingDividesByTheValidTaps() {
    int run = 0;
    for (int c : CHANNELS) {
      for (int[] g : AVG_GEOMETRIES) {
        float[] clamp = CLAMPS[run++ % CLAMPS.length];
        checkAverage(2, 7, 8, c, g, clamp[0], clamp[1]);
      }
    }
  }

  @Test
  void averagePoolingCornerWithPadding() {
    // 3x3 stride 2 padding 1 on a 2x2 input of ones and a ramp: the corner window holds 4 valid
    // taps, so it is their mean, not their sum over 9.
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = NhwcTesting.segment(arena, new float[] {1, 2, 3, 4}, 0);
      MemorySegment out = NhwcTesting.output(arena, 1, 0);
      Pooling2dNhwc op = Pooling2dNhwc.prepareAverage(1, 3, 3, 2, 2, 1, 1, 1, 1);
      op.run(1, 2, 2, in, 0, out, 0, -INF, INF);
      assertThat(NhwcTesting.read(out, 0, 1)).containsExactly(2.5f);
    }
  }

  @Test
  void globalAveragePoolingSumsThenScales() {
    for (int c : CHANNELS) {
      checkGlobal(2, 3, 5, c, -INF, INF);
      checkGlobal(1, 7, 7, c, -0.1f, 0.1f);
    }
    checkGlobal(2, 2, 3, 80, -INF, INF);
    checkGlobal(1, 1, 1, 5, -INF, INF);
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> Pooling2dNhwc.prepareMax(4, 0, 3, 1, 1, 1, 1, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pool height");
    assertThatThrownBy(() -> Pooling2dNhwc.prepareMax(4, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0))
        .hasMessageContaining("dilation width");
    assertThatThrownBy(() -> Pooling2dNhwc.prepareAverage(4, 2, 2, 1, 1, 2, 0, 0, 0))
        .hasMessageContaining("must be smaller than the pool");
    assertThatThrownBy(() -> Pooling2dNhwc.prepareMax(4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0)
            .outputWidth(2))
        .hasMessageContaining("effective kernel");
    assertThatThrownBy(() -> GlobalAvgPooling2dNhwc.prepare(0))
        .hasMessageContaining("channels");
  }

  private void checkMax(int n, int ih, int iw, int c, int[] g, float min, float max) {
    int kh = g[0], kw = g[1], sh = g[2], sw = g[3], dh = g[4], dw = g[5];
    int pt = g[6], pr = g[7], pb = g[8], pl = g[9];
    int oh = (ih + pt + pb - dh * (kh - 1) - 1) / sh + 1;
    int ow = (iw + pl + pr - dw * (kw - 1) - 1) / sw + 1;
    float[] x = NhwcTesting.random(random, n * ih * iw * c);
    double[] expected = new double[n * oh * ow * c];
    for (int in = 0; in < n; in++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int ch = 0; ch < c; ch++) {
            double m = Double.NEGATIVE_INFINITY;
            boolean any = false;
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++) {
                int iy = oy * sh - pt + ky * dh;
                int ix = ox * sw - pl + kx * dw;
                if (ih == 1 && iy != 0) {
                  // Only used by the one-row test: every tap of XNNPACK's indirection lands on
                  // the only row.
                  iy = 0;
                }
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                  continue;
                }
                m = Math.max(m, x[((in * ih + iy) * iw + ix) * c + ch]);
                any = true;
              }
            }
            assertThat(any).as("test geometry has a valid tap per window").isTrue();
            expected[((in * oh + oy) * ow + ox) * c + ch] = NhwcTesting.clamp(m, min, max);
          }
        }
      }
    }
    compare(Pooling2dNhwc.prepare(NhwcKernels.chosen(), true, c, kh, kw, sh, sw, dh, dw, pt, pr,
            pb, pl),
        Pooling2dNhwc.prepare(NhwcKernels.scalar(), true, c, kh, kw, sh, sw, dh, dw, pt, pr, pb,
            pl),
        n, ih, iw, x, expected, new double[expected.length], min, max,
        "max pool " + ih + "x" + iw + "x" + c + " " + Arrays.toString(g));
  }

  private void checkAverage(int n, int ih, int iw, int c, int[] g, float min, float max) {
    int kh = g[0], kw = g[1], sh = g[2], sw = g[3];
    int pt = g[4], pr = g[5], pb = g[6], pl = g[7];
    int oh = (ih + pt + pb - kh) / sh + 1;
    int ow = (iw + pl + pr - kw) / sw + 1;
    float[] x = NhwcTesting.random(random, n * ih * iw * c);
    double[] expected = new double[n * oh * ow * c];
    double[] tolerance = new double[expected.length];
    for (int in = 0; in < n; in++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double abs = 0;
            int count = 0;
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++) {
                int iy = oy * sh - pt + ky;
                int ix = ox * sw - pl + kx;
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                  continue;
                }
                double v = x[((in * ih + iy) * iw + ix) * c + ch];
                sum += v;
                abs += Math.abs(v);
                count++;
              }
            }
            int at = ((in * oh + oy) * ow + ox) * c + ch;
            expected[at] = NhwcTesting.clamp(sum / count, min, max);
            // The sum's rounding plus the float reciprocal and the product.
            tolerance[at] = (count + 2) * EPS * abs / count;
          }
        }
      }
    }
    compare(Pooling2dNhwc.prepare(NhwcKernels.chosen(), false, c, kh, kw, sh, sw, 1, 1, pt, pr,
            pb, pl),
        Pooling2dNhwc.prepare(NhwcKernels.scalar(), false, c, kh, kw, sh, sw, 1, 1, pt, pr, pb,
            pl),
        n, ih, iw, x, expected, tolerance, min, max,
        "avg pool " + ih + "x" + iw + "x" + c + " " + Arrays.toString(g));
  }

  private static void compare(
      Pooling2dNhwc vector, Pooling2dNhwc scalar, int n, int ih, int iw, float[] x,
      double[] expected, double[] tolerance, float min, float max, String what) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = NhwcTesting.segment(arena, x, 3);
      float[][] results = new float[2][];
      Pooling2dNhwc[] ops = {vector, scalar};
      for (int i = 0; i < 2; i++) {
        MemorySegment out = NhwcTesting.output(arena, expected.length, 2);
        ops[i].run(n, ih, iw, xs, 3, out, 1, min, max);
        results[i] = NhwcTesting.read(out, 1, expected.length);
        NhwcTesting.assertClose(results[i], expected, tolerance, ops[i].kernels.name() + " " + what);
        assertThat(out.getAtIndex(NhwcTesting.LE, 0)).isNaN();
        assertThat(out.getAtIndex(NhwcTesting.LE, expected.length + 1)).isNaN();
      }
      NhwcTesting.assertSame(results[0], results[1], what);
    }
  }

  private void checkGlobal(int n, int h, int w, int c, float min, float max) {
    float[] x = NhwcTesting.random(random, n * h * w * c);
    double[] expected = new double[n * c];
    double[] tolerance = new double[n * c];
    for (int in = 0; in < n; in++) {
      for (int ch = 0; ch < c; ch++) {
        double sum = 0;
        double abs = 0;
        for (int p = 0; p < h * w; p++) {
          double v = x[(in * h * w + p) * c + ch];
          sum += v;
          abs += Math.abs(v);
        }
        expected[in * c + ch] = NhwcTesting.clamp(sum / (h * w), min, max);
        tolerance[in * c + ch] = (h * w + 2) * EPS * abs / (h * w);
      }
    }
    String what = "global avg pool " + h + "x" + w + "x" + c;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = NhwcTesting.segment(arena, x, 1);
      float[][] results = new float[2][];
      NhwcKernels[] impls = {NhwcKernels.chosen(), NhwcKernels.scalar()};
      for (int i = 0; i < 2; i++) {
        MemorySegment out = NhwcTesting.output(arena, n * c, 2);
        GlobalAvgPooling2dNhwc.prepare(impls[i], c).run(n, h, w, xs, 1, out, 1, min, max);
        results[i] = NhwcTesting.read(out, 1, n * c);
        NhwcTesting.assertClose(results[i], expected, tolerance, impls[i].name() + " " + what);
        assertThat(out.getAtIndex(NhwcTesting.LE, n * c + 1)).isNaN();
      }
      NhwcTesting.assertSame(results[0], results[1], what);
    }
  }
}
