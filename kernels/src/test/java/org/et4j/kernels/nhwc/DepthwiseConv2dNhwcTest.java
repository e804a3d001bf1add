package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.nhwc.NhwcTesting.CHANNELS;
import static org.et4j.kernels.nhwc.NhwcTesting.EPS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DepthwiseConv2dNhwc} against a naive loop over the unpacked filter, written here, and the
 * chosen implementation against the scalar twin, over channel counts that hit every vector tail.
 */
class DepthwiseConv2dNhwcTest {
  private static final float INF = Float.POSITIVE_INFINITY;

  /** kh, kw, sh, sw, dh, dw, padTop, padRight, padBottom, padLeft. */
  private static final int[][] GEOMETRIES = {
    {3, 3, 1, 1, 1, 1, 1, 1, 1, 1},
    {3, 3, 2, 2, 1, 1, 0, 1, 1, 0},
    {3, 3, 2, 2, 1, 1, 1, 1, 1, 1},
    {5, 5, 1, 1, 1, 1, 2, 2, 2, 2},
    {5, 5, 2, 2, 1, 1, 1, 2, 2, 1},
    {3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
    {3, 3, 1, 2, 2, 1, 0, 3, 1, 2},
    {2, 2, 2, 2, 1, 1, 0, 0, 0, 0},
    {1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
    {4, 2, 1, 3, 1, 2, 3, 0, 2, 1},
  };
  private static final float[][] CLAMPS = {{-INF, INF}, {0f, 6f}, {-0.25f, 0.3f}};

  private final SplittableRandom random = new SplittableRandom(7);

  @Test
  void matchesTheNaiveLoopForEveryTailGeometryAndMultiplier() {
    int run = 0;
    for (int c : CHANNELS) {
      for (int[] g : GEOMETRIES) {
        for (int m = 1; m <= 2; m++) {
          float[] clamp = CLAMPS[run++ % CLAMPS.length];
          check(2, 7, 6, c, m, g, clamp[0], clamp[1], run % 2 == 0);
        }
      }
    }
  }

  @Test
  void multipliersWhoseTilesReadOneInputChannel() {
    // A single-channel input with many outputs per channel (a grayscale CNN's first layer, which
    // the XNNPACK exporter lowers to depthwise) and multipliers that are multiples of the widest
    // vector: each output tile reads one input channel, and the channels past the last tile remain.
    int run = 0;
    for (int m : new int[] {8, 15, 16, 17, 32, 33, 64}) {
      for (int[] g : GEOMETRIES) {
        float[] clamp = CLAMPS[run++ % CLAMPS.length];
        check(2, 7, 6, 1, m, g, clamp[0], clamp[1], run % 2 == 0);
      }
    }
    for (int c : new int[] {2, 3}) {
      check(1, 6, 5, c, 16, GEOMETRIES[0], -INF, INF, true);
      check(1, 6, 5, c, 32, GEOMETRIES[2], 0f, 6f, false);
    }
  }

  @Test
  void mobilenetLikeShapes() {
    check(1, 12, 12, 32, 1, new int[] {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, 0f, 6f, true);
    check(1, 11, 11, 48, 1, new int[] {3, 3, 2, 2, 1, 1, 0, 1, 1, 0}, 0f, 6f, true);
    // Odd interior widths: the paired stride-1 and two-pixel 5x5 paths end with a single pixel.
    for (int c : new int[] {17, 33}) {
      check(2, 5, 7, c, 1, new int[] {3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, -INF, INF, true);
      check(2, 6, 9, c, 1, new int[] {5, 5, 1, 1, 1, 1, 2, 2, 2, 2}, -INF, INF, true);
    }
  }

  @Test
  void windowsEntirelyInPaddingGiveTheClampedBias() {
    // 3x3 dilation 2 with padding 4 on a 1x1 input: the corner windows see no input pixel.
    check(1, 1, 1, 5, 1, new int[] {3, 3, 1, 1, 2, 2, 4, 4, 4, 4}, -0.5f, 0.5f, true);
  }

  @Test
  void rejectsBadParameters() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment f = arena.allocate(9 * 4 * Float.BYTES);
      assertThatThrownBy(
              () -> DepthwiseConv2dNhwc.prepare(0, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, f, 0, null, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("channels");
      assertThatThrownBy(
              () -> DepthwiseConv2dNhwc.prepare(4, 1, 3, 3, 0, 1, 1, 1, 0, 0, 0, 0, f, 0, null, 0))
          .hasMessageContaining("stride height");
      assertThatThrownBy(
              () -> DepthwiseConv2dNhwc.prepare(4, 1, 3, 3, 1, 1, 1, 1, -1, 0, 0, 0, f, 0, null, 0))
          .hasMessageContaining("padding top");
      assertThatThrownBy(
              () -> DepthwiseConv2dNhwc.prepare(4, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, f, 0, null, 0))
          .hasMessageContaining("filter needs 72 floats");
      DepthwiseConv2dNhwc op =
          DepthwiseConv2dNhwc.prepare(4, 1, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, f, 0, null, 0);
      assertThatThrownBy(() -> op.outputHeight(2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("smaller than the effective kernel 3");
      assertThat(op.outputHeight(3)).isEqualTo(1);
      MemorySegment in = arena.allocate(4 * 4 * 4 * Float.BYTES);
      MemorySegment out = arena.allocate(4 * Float.BYTES);
      assertThatThrownBy(() -> op.run(1, 4, 4, in, 0, out, 0, -INF, INF))
          .hasMessageContaining("output needs 16 floats");
      assertThatThrownBy(() -> op.run(1, 4, 4, in, 0, out, 0, 1f, 0f))
          .hasMessageContaining("output range");
    }
  }

  private void check(
      int n, int ih, int iw, int c, int m, int[] g, float min, float max, boolean withBias) {
    int kh = g[0], kw = g[1], sh = g[2], sw = g[3], dh = g[4], dw = g[5];
    int pt = g[6], pr = g[7], pb = g[8], pl = g[9];
    int oc = c * m;
    int oh = (ih + pt + pb - dh * (kh - 1) - 1) / sh + 1;
    int ow = (iw + pl + pr - dw * (kw - 1) - 1) / sw + 1;
    float[] x = NhwcTesting.random(random, n * ih * iw * c);
    float[] w = NhwcTesting.random(random, kh * kw * oc);
    float[] b = NhwcTesting.random(random, oc);
    double[] expected = new double[n * oh * ow * oc];
    double[] tolerance = new double[expected.length];
    for (int in = 0; in < n; in++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int o = 0; o < oc; o++) {
            double acc = withBias ? b[o] : 0;
            double abs = Math.abs(acc);
            int terms = 1;
            for (int ky = 0; ky < kh; ky++) {
              for (int kx = 0; kx < kw; kx++) {
                int iy = oy * sh - pt + ky * dh;
                int ix = ox * sw - pl + kx * dw;
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                  continue;
                }
                double t = (double) x[((in * ih + iy) * iw + ix) * c + o / m]
                    * w[(ky * kw + kx) * oc + o];
                acc += t;
                abs += Math.abs(t);
                terms++;
              }
            }
            int at = ((in * oh + oy) * ow + ox) * oc + o;
            expected[at] = NhwcTesting.clamp(acc, min, max);
            tolerance[at] = terms * EPS * abs;
          }
        }
      }
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = NhwcTesting.segment(arena, x, 5);
      MemorySegment ws = NhwcTesting.segment(arena, w, 3);
      MemorySegment bs = NhwcTesting.segment(arena, b, 2);
      String what = "depthwise n=" + n + " " + ih + "x" + iw + "x" + c + " m=" + m + " geometry "
          + java.util.Arrays.toString(g) + " clamp [" + min + ", " + max + "]";
      float[][] results = new float[2][];
      NhwcKernels[] impls = {NhwcKernels.chosen(), NhwcKernels.scalar()};
      for (int i = 0; i < 2; i++) {
        DepthwiseConv2dNhwc op = DepthwiseConv2dNhwc.prepare(
            impls[i], c, m, kh, kw, sh, sw, dh, dw, pt, pr, pb, pl, ws, 3,
            withBias ? bs : null, 2);
        assertThat(op.outputHeight(ih)).isEqualTo(oh);
        assertThat(op.outputWidth(iw)).isEqualTo(ow);
        MemorySegment out = NhwcTesting.output(arena, expected.length, 4);
        op.run(n, ih, iw, xs, 5, out, 1, min, max);
        results[i] = NhwcTesting.read(out, 1, expected.length);
        NhwcTesting.assertClose(results[i], expected, tolerance, impls[i].name() + " " + what);
        // Nothing is written outside the output.
        assertThat(out.getAtIndex(NhwcTesting.LE, 0)).isNaN();
        assertThat(out.getAtIndex(NhwcTesting.LE, expected.length + 1)).isNaN();
      }
      NhwcTesting.assertSame(results[0], results[1], what);
    }
  }
}
