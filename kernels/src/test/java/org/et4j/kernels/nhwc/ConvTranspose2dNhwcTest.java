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
 * {@link ConvTranspose2dNhwc} against a scatter loop written here (each input pixel adds its
 * filter-weighted contribution to the outputs it reaches, the definition of a transposed
 * convolution), and the chosen implementation against the scalar twin.
 */
class ConvTranspose2dNhwcTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  /** kh, kw, sh, sw, dh, dw, padTop, padRight, padBottom, padLeft, adjH, adjW. */
  private static final int[][] GEOMETRIES = {
    {3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1},
    {2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0},
    {4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0},
    {3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
    {3, 2, 2, 3, 2, 1, 0, 2, 1, 1, 1, 2},
    {5, 5, 2, 1, 1, 2, 2, 0, 3, 1, 0, 0},
  };
  private static final float[][] CLAMPS = {{-INF, INF}, {0f, 6f}, {-0.25f, 0.3f}};

  private final SplittableRandom random = new SplittableRandom(3);

  @Test
  void matchesTheScatterDefinitionOverEveryOutputTail() {
    int run = 0;
    for (int ocg : CHANNELS) {
      for (int[] g : GEOMETRIES) {
        float[] clamp = CLAMPS[run++ % CLAMPS.length];
        int groups = 1 + run % 2;
        check(2, 3, 4, groups, 1 + run % 3, ocg, g, clamp[0], clamp[1], run % 3 != 0);
      }
    }
    check(1, 4, 4, 1, 16, 33, GEOMETRIES[0], -INF, INF, true);
    // Past four 512-bit vectors of output channels, so the widest block runs at every width.
    check(1, 3, 3, 2, 2, 65, GEOMETRIES[4], 0f, 6f, true);
  }

  @Test
  void rejectsBadParameters() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment f = arena.allocate(2 * 3 * 3 * 4 * Float.BYTES);
      assertThatThrownBy(() -> ConvTranspose2dNhwc.prepare(
              1, 4, 2, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 2, 0, f, 0, null, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("adjustment 2x0 must be smaller than the stride 2x2");
      assertThatThrownBy(() -> ConvTranspose2dNhwc.prepare(
              2, 4, 2, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, f, 0, null, 0))
          .hasMessageContaining("filter needs 144 floats");
      ConvTranspose2dNhwc op = ConvTranspose2dNhwc.prepare(
          1, 4, 2, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, f, 0, null, 0);
      // 1 * (in - 1) + 0 + 1 * (3 - 1) + 1 - (2 + 2)
      assertThat(op.outputHeight(3)).isEqualTo(1);
      assertThatThrownBy(() -> op.outputHeight(2))
          .hasMessageContaining("output height 0 for input 2");
    }
  }

  private void check(
      int n, int ih, int iw, int groups, int cg, int ocg, int[] g, float min, float max,
      boolean withBias) {
    int kh = g[0], kw = g[1], sh = g[2], sw = g[3], dh = g[4], dw = g[5];
    int pt = g[6], pr = g[7], pb = g[8], pl = g[9], ah = g[10], aw = g[11];
    int ic = groups * cg;
    int oc = groups * ocg;
    int oh = sh * (ih - 1) + ah + dh * (kh - 1) + 1 - pt - pb;
    int ow = sw * (iw - 1) + aw + dw * (kw - 1) + 1 - pl - pr;
    float[] x = NhwcTesting.random(random, n * ih * iw * ic);
    float[] w = NhwcTesting.random(random, oc * kh * kw * cg);
    float[] b = NhwcTesting.random(random, oc);
    double[] sum = new double[n * oh * ow * oc];
    double[] abs = new double[sum.length];
    int[] terms = new int[sum.length];
    for (int in = 0; in < n; in++) {
      for (int iy = 0; iy < ih; iy++) {
        for (int ix = 0; ix < iw; ix++) {
          for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
              int oy = iy * sh - pt + ky * dh;
              int ox = ix * sw - pl + kx * dw;
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) {
                continue;
              }
              for (int gr = 0; gr < groups; gr++) {
                for (int j = 0; j < ocg; j++) {
                  int o = gr * ocg + j;
                  int at = ((in * oh + oy) * ow + ox) * oc + o;
                  for (int k = 0; k < cg; k++) {
                    double t = (double) x[((in * ih + iy) * iw + ix) * ic + gr * cg + k]
                        * w[((o * kh + ky) * kw + kx) * cg + k];
                    sum[at] += t;
                    abs[at] += Math.abs(t);
                    terms[at]++;
                  }
                }
              }
            }
          }
        }
      }
    }
    double[] expected = new double[sum.length];
    double[] tolerance = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      double bias = withBias ? b[i % oc] : 0;
      expected[i] = NhwcTesting.clamp(sum[i] + bias, min, max);
      tolerance[i] = (terms[i] + 1) * EPS * (abs[i] + Math.abs(bias));
    }
    String what = "deconvolution " + ih + "x" + iw + " groups " + groups + " cg " + cg + " ocg "
        + ocg + " " + Arrays.toString(g) + " clamp [" + min + ", " + max + "]";
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = NhwcTesting.segment(arena, x, 1);
      MemorySegment ws = NhwcTesting.segment(arena, w, 2);
      MemorySegment bs = NhwcTesting.segment(arena, b, 3);
      float[][] results = new float[2][];
      NhwcKernels[] impls = {NhwcKernels.chosen(), NhwcKernels.scalar()};
      for (int i = 0; i < 2; i++) {
        ConvTranspose2dNhwc op = ConvTranspose2dNhwc.prepare(impls[i], groups, cg, ocg, kh, kw,
            sh, sw, dh, dw, pt, pr, pb, pl, ah, aw, ws, 2, withBias ? bs : null, 3);
        assertThat(op.outputHeight(ih)).isEqualTo(oh);
        assertThat(op.outputWidth(iw)).isEqualTo(ow);
        MemorySegment out = NhwcTesting.output(arena, expected.length, 2);
        op.run(n, ih, iw, xs, 1, out, 1, min, max);
        results[i] = NhwcTesting.read(out, 1, expected.length);
        NhwcTesting.assertClose(results[i], expected, tolerance, impls[i].name() + " " + what);
        assertThat(out.getAtIndex(NhwcTesting.LE, 0)).isNaN();
        assertThat(out.getAtIndex(NhwcTesting.LE, expected.length + 1)).isNaN();
      }
      NhwcTesting.assertSame(results[0], results[1], what);
    }
  }
}
