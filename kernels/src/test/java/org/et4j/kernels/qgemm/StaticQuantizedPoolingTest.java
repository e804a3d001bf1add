package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link StaticQuantizedGlobalAvgPool} and {@link StaticQuantizedMaxPool}. */
class StaticQuantizedPoolingTest {

  @Test
  void meanHandWorked() {
    try (Arena arena = Arena.ofConfined()) {
      // 2x2, one channel, inZp 1, scales 1: mean of (x - 1) requantized with zero point 0.
      StaticQuantizedGlobalAvgPool gap =
          StaticQuantizedGlobalAvgPool.prepare(
              1, 1f, 1, 1f, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      assertThat(mean(arena, gap, 1, 2, 2, new byte[] {1, 2, 3, 5})).containsExactly(2); // 1.75
      assertThat(mean(arena, gap, 1, 2, 2, new byte[] {1, 2, 2, 4})).containsExactly(1); // 1.25
      assertThat(mean(arena, gap, 1, 2, 2, new byte[] {1, 1, 2, 2})).containsExactly(0); // 0.5
      assertThat(mean(arena, gap, 1, 2, 2, new byte[] {2, 2, 2, 4})).containsExactly(2); // 1.5
      assertThat(mean(arena, gap, 1, 2, 2, new byte[] {127, 127, 127, 127})).containsExactly(126);
      StaticQuantizedGlobalAvgPool wide =
          StaticQuantizedGlobalAvgPool.prepare(
              1, 1f, 0, 0.25f, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      assertThat(mean(arena, wide, 1, 1, 2, new byte[] {100, 100})).containsExactly(127);
      assertThat(mean(arena, wide, 1, 1, 2, new byte[] {-100, -100})).containsExactly(-128);
      StaticQuantizedGlobalAvgPool relu =
          StaticQuantizedGlobalAvgPool.prepare(1, 1f, 0, 1f, -3, 0f, Float.POSITIVE_INFINITY);
      assertThat(mean(arena, relu, 1, 1, 2, new byte[] {-10, -10})).containsExactly(-3);
    }
  }

  @Test
  void meanSweep() {
    Random r = new Random(17);
    int[] channels = {1, 3, 7, 8, 9, 15, 16, 17, 33};
    try (Arena arena = Arena.ofConfined()) {
      int t = 0;
      for (int c : channels) {
        int batch = 1 + (t & 1);
        int h = 1 + r.nextInt(9);
        int w = 1 + r.nextInt(9);
        float inScale = 0.01f + r.nextFloat() * 0.1f;
        float outScale = inScale * (0.3f + r.nextFloat());
        int inZp = r.nextInt(256) - 128;
        int outZp = r.nextInt(256) - 128;
        float outMin = (t % 3) == 1 ? 0f : Float.NEGATIVE_INFINITY;
        StaticQuantizedGlobalAvgPool gap =
            StaticQuantizedGlobalAvgPool.prepare(
                c, inScale, inZp, outScale, outZp, outMin, Float.POSITIVE_INFINITY);
        byte[] x = Qs8Reference.randomBytes(r, batch * h * w * c);
        byte[] got = mean(arena, gap, batch, h, w, x);
        int qmin = Qs8Reference.quantize(outMin, outScale, outZp);
        int count = h * w;
        float scale = inScale / outScale * (1f / count);
        float yZp = outZp - (count * (float) inZp) * scale;
        for (int b = 0; b < batch; b++) {
          for (int ch = 0; ch < c; ch++) {
            long sum = 0;
            for (int p = 0; p < count; p++) {
              sum += x[(b * count + p) * c + ch];
            }
            float v = (float) Math.rint((float) sum * scale + yZp);
            int want = Math.min(Math.max((int) Math.min(Math.max(v, -128f), 127f), qmin), 127);
            assertThat(got[b * c + ch]).as("c=%d h=%d w=%d", c, h, w).isEqualTo((byte) want);
            // Within half a step (plus float slack) of the real mean, unless clamped.
            double real = ((double) sum / count - inZp) * inScale / outScale + outZp;
            if (want > qmin && want < 127 && real > -128) {
              assertThat(Math.abs(real - want)).isLessThanOrEqualTo(0.5001);
            }
          }
        }
        t++;
      }
    }
  }

  @Test
  void maxPoolSweep() {
    Random r = new Random(19);
    // {c, poolH, poolW, sh, sw, dh, dw, padT, padR, padB, padL, inH, inW}
    int[][] cases = {
      {1, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 4, 4},
      {3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 7, 6},
      {7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5},
      {8, 2, 3, 1, 2, 2, 1, 1, 0, 1, 2, 6, 7},
      {9, 3, 2, 2, 1, 1, 2, 0, 1, 2, 1, 7, 5},
      {16, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 5, 5},
      {17, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 8, 9},
      {33, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 3, 2},
    };
    try (Arena arena = Arena.ofConfined()) {
      int t = 0;
      for (int[] g : cases) {
        int c = g[0];
        int batch = 1 + (t & 1);
        float outMin = (t % 3) == 2 ? 0f : Float.NEGATIVE_INFINITY;
        float outMax = (t % 4) == 1 ? 1f : Float.POSITIVE_INFINITY;
        float scale = 0.05f;
        int zp = r.nextInt(100) - 50;
        StaticQuantizedMaxPool pool =
            StaticQuantizedMaxPool.prepare(
                c, g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], scale, zp,
                outMin, outMax);
        int inH = g[11];
        int inW = g[12];
        int outH = (inH + g[7] + g[9] - g[5] * (g[1] - 1) - 1) / g[3] + 1;
        int outW = (inW + g[10] + g[8] - g[6] * (g[2] - 1) - 1) / g[4] + 1;
        assertThat(pool.outputHeight(inH)).isEqualTo(outH);
        assertThat(pool.outputWidth(inW)).isEqualTo(outW);
        byte[] x = Qs8Reference.randomBytes(r, batch * inH * inW * c);
        MemorySegment y = arena.allocate((long) batch * outH * outW * c);
        pool.run(batch, inH, inW, Qs8Reference.bytes(arena, x), 0, y, 0);
        byte[] got = Qs8Reference.read(y, 0, batch * outH * outW * c);
        int qmin = Qs8Reference.quantize(outMin, scale, zp);
        int qmax = Qs8Reference.quantize(outMax, scale, zp);
        for (int b = 0; b < batch; b++) {
          for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
              for (int ch = 0; ch < c; ch++) {
                int m = Integer.MIN_VALUE;
                for (int ky = 0; ky < g[1]; ky++) {
                  for (int kx = 0; kx < g[2]; kx++) {
                    int iy = oy * g[3] - g[7] + ky * g[5];
                    int ix = ox * g[4] - g[10] + kx * g[6];
                    if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                      m = Math.max(m, x[((b * inH + iy) * inW + ix) * c + ch]);
                    }
                  }
                }
                int want = Math.min(Math.max(m, qmin), qmax);
                assertThat(got[((b * outH + oy) * outW + ox) * c + ch])
                    .as("case %d", t)
                    .isEqualTo((byte) want);
              }
            }
          }
        }
        t++;
      }
    }
  }

  @Test
  void maxPoolWindowWithoutValidTapReadsXnnpackIndirection() {
    try (Arena arena = Arena.ofConfined()) {
      // Height 1, pool 2 with dilation 3, padding 2 top and 1 bottom: taps at -2 and 1, neither
      // valid.
      // XNNPACK steps -2 by 3 to row 1 (>= height), back to 0: it reads row 0 for both taps.
      StaticQuantizedMaxPool pool =
          StaticQuantizedMaxPool.prepare(
              1, 2, 1, 1, 1, 3, 1, 2, 0, 1, 0, 1f, 0, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY);
      assertThat(StaticQuantizedMaxPool.tapCoordinate(0, 0, 1, 3, 2, 1)).isEqualTo(0);
      int outH = pool.outputHeight(1);
      assertThat(outH).isEqualTo(1);
      MemorySegment y = arena.allocate(outH);
      pool.run(1, 1, 1, Qs8Reference.bytes(arena, new byte[] {-7}), 0, y, 0);
      assertThat(Qs8Reference.read(y, 0, outH)).containsOnly(-7);
    }
  }

  private static byte[] mean(
      Arena arena, StaticQuantizedGlobalAvgPool gap, int batch, int h, int w, byte[] x) {
    int c = x.length / (batch * h * w);
    MemorySegment y = arena.allocate((long) batch * c);
    gap.run(batch, h, w, Qs8Reference.bytes(arena, x), 0, y, 0);
    return Qs8Reference.read(y, 0, batch * c);
  }
}
