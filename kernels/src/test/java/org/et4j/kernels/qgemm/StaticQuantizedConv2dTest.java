package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StaticQuantizedConv2d} and {@link StaticQuantizedDepthwiseConv2d} against a direct
 * reference that sums {@code (x - inZp) * w} over the valid taps only (padding contributes
 * nothing when it reads the zero point): channel tails, groups, batch 2, asymmetric padding,
 * strides, dilation, per-tensor scales and relu.
 */
class StaticQuantizedConv2dTest {

  /** One convolution case; depthwise ones have {@code cg == 1} and {@code groups == channels}. */
  private record Geometry(
      int groups, int cg, int ocg, int kh, int kw, int sh, int sw, int dh, int dw, int padT,
      int padR, int padB, int padL, int inH, int inW) {
    int outH() {
      return (inH + padT + padB - dh * (kh - 1) - 1) / sh + 1;
    }

    int outW() {
      return (inW + padL + padR - dw * (kw - 1) - 1) / sw + 1;
    }
  }

  @Test
  void handWorkedPaddingReadsTheZeroPoint() {
    try (Arena arena = Arena.ofConfined()) {
      // 1x1 input, 3x3 kernel, padding 1: only the centre tap is real. x = 10, inZp = 4,
      // w centre = 2, the other taps 100: acc = (10 - 4) * 2 = 12; scale 0.25 -> 3; zp 1 -> 4.
      byte[] w = new byte[9];
      java.util.Arrays.fill(w, (byte) 100);
      w[4] = 2;
      StaticQuantizedConv2d conv =
          StaticQuantizedConv2d.prepare(
              1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, Qs8Reference.bytes(arena, w), 0,
              new float[] {0.5f}, null, 0, 0.5f, 4, 1f, 1, Float.NEGATIVE_INFINITY,
              Float.POSITIVE_INFINITY);
      MemorySegment y = arena.allocate(1);
      conv.run(1, 1, 1, Qs8Reference.bytes(arena, new byte[] {10}), 0, y, 0);
      assertThat(Qs8Reference.read(y, 0, 1)).containsExactly(4);
    }
  }

  @Test
  void convolutionSweep() {
    Random r = new Random(3);
    Geometry[] cases = {
      new Geometry(1, 3, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 6),
      new Geometry(1, 1, 16, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0, 7, 7),
      new Geometry(1, 7, 9, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 3, 4),
      new Geometry(1, 16, 17, 3, 3, 2, 1, 1, 1, 1, 0, 2, 1, 6, 5),
      new Geometry(2, 8, 15, 3, 2, 1, 2, 2, 1, 2, 1, 0, 1, 7, 6),
      new Geometry(3, 5, 7, 2, 3, 1, 1, 2, 2, 1, 2, 2, 1, 6, 7),
      new Geometry(1, 33, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 3),
      new Geometry(1, 9, 3, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 9, 8),
      new Geometry(4, 1, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4),
      new Geometry(1, 17, 1, 3, 1, 3, 1, 1, 1, 0, 0, 0, 0, 8, 2),
      // k = 1800 crosses the vector kernel's 1024-step chunk inside a tap, with padding.
      new Geometry(1, 200, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3),
      new Geometry(2, 1100, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, 3),
    };
    try (Arena arena = Arena.ofConfined()) {
      int i = 0;
      for (Geometry g : cases) {
        for (int batch : new int[] {1, 2}) {
          checkConv(arena, r, g, batch, (i & 1) == 0, (i % 3) == 0, (i % 4) == 1);
          i++;
        }
      }
    }
  }

  @Test
  void depthwiseSweep() {
    Random r = new Random(5);
    int[] channels = {1, 3, 7, 8, 9, 15, 16, 17, 33, 64, 32, 97, 120};
    try (Arena arena = Arena.ofConfined()) {
      int i = 0;
      for (int c : channels) {
        for (int mult : new int[] {1, 2}) {
          Geometry g =
              switch (i % 4) {
                case 0 -> new Geometry(c, 1, mult, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5, 5);
                case 1 -> new Geometry(c, 1, mult, 3, 3, 2, 2, 1, 1, 0, 1, 1, 0, 7, 6);
                case 2 -> new Geometry(c, 1, mult, 5, 3, 1, 2, 2, 1, 2, 1, 3, 0, 8, 7);
                default -> new Geometry(c, 1, mult, 2, 2, 2, 1, 1, 2, 1, 0, 0, 2, 5, 6);
              };
          checkDepthwise(arena, r, g, 1 + (i & 1), (i % 3) != 0, (i % 5) == 0, (i % 4) == 2);
          i++;
        }
      }
    }
  }

  private static void checkConv(
      Arena arena, Random r, Geometry g, int batch, boolean withBias, boolean perTensor,
      boolean relu) {
    int ic = g.groups * g.cg;
    int oc = g.groups * g.ocg;
    int k = g.kh * g.kw * g.cg;
    byte[] w = Qs8Reference.randomBytes(r, oc * k);
    byte[] x = Qs8Reference.randomBytes(r, batch * g.inH * g.inW * ic);
    int[] bias = Qs8Reference.randomBias(r, oc, 30000);
    Quant q = Quant.random(r, perTensor ? 1 : oc, relu);
    StaticQuantizedConv2d conv =
        StaticQuantizedConv2d.prepare(
            g.groups, g.cg, g.ocg, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padT, g.padR, g.padB,
            g.padL, Qs8Reference.bytes(arena, w), 0, q.wScales,
            withBias ? Qs8Reference.ints(arena, bias) : null, 0, q.inScale, q.inZp, q.outScale,
            q.outZp, q.outMin, Float.POSITIVE_INFINITY);
    assertThat(conv.outputHeight(g.inH)).isEqualTo(g.outH());
    assertThat(conv.outputWidth(g.inW)).isEqualTo(g.outW());
    int outH = g.outH();
    int outW = g.outW();
    byte[] expected = new byte[batch * outH * outW * oc];
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          for (int o = 0; o < oc; o++) {
            int grp = o / g.ocg;
            long acc = withBias ? bias[o] : 0;
            for (int ky = 0; ky < g.kh; ky++) {
              for (int kx = 0; kx < g.kw; kx++) {
                int iy = oy * g.sh - g.padT + ky * g.dh;
                int ix = ox * g.sw - g.padL + kx * g.dw;
                if (iy < 0 || iy >= g.inH || ix < 0 || ix >= g.inW) {
                  continue;
                }
                for (int c = 0; c < g.cg; c++) {
                  int xv = x[((b * g.inH + iy) * g.inW + ix) * ic + grp * g.cg + c];
                  acc += (long) (xv - q.inZp) * w[o * k + (ky * g.kw + kx) * g.cg + c];
                }
              }
            }
            expected[((b * outH + oy) * outW + ox) * oc + o] = q.requantize(acc, o);
          }
        }
      }
    }
    MemorySegment y = arena.allocate(expected.length + 2);
    conv.run(batch, g.inH, g.inW, Qs8Reference.bytes(arena, x), 0, y, 1);
    assertThat(Qs8Reference.read(y, 1, expected.length)).as("%s batch %d", g, batch)
        .isEqualTo(expected);
    MemorySegment ys = arena.allocate(expected.length);
    conv.runScalar(batch, g.inH, g.inW, Qs8Reference.bytes(arena, x), 0, ys, 0);
    assertThat(Qs8Reference.read(ys, 0, expected.length)).isEqualTo(expected);
  }

  private static void checkDepthwise(
      Arena arena, Random r, Geometry g, int batch, boolean withBias, boolean perTensor,
      boolean relu) {
    int channels = g.groups;
    int mult = g.ocg;
    int oc = channels * mult;
    byte[] w = Qs8Reference.randomBytes(r, g.kh * g.kw * oc);
    byte[] x = Qs8Reference.randomBytes(r, batch * g.inH * g.inW * channels);
    int[] bias = Qs8Reference.randomBias(r, oc, 30000);
    Quant q = Quant.random(r, perTensor ? 1 : oc, relu);
    StaticQuantizedDepthwiseConv2d dw =
        StaticQuantizedDepthwiseConv2d.prepare(
            channels, mult, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.padT, g.padR, g.padB, g.padL,
            Qs8Reference.bytes(arena, w), 0, q.wScales,
            withBias ? Qs8Reference.ints(arena, bias) : null, 0, q.inScale, q.inZp, q.outScale,
            q.outZp, q.outMin, Float.POSITIVE_INFINITY);
    int outH = g.outH();
    int outW = g.outW();
    byte[] expected = new byte[batch * outH * outW * oc];
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          for (int o = 0; o < oc; o++) {
            long acc = withBias ? bias[o] : 0;
            for (int ky = 0; ky < g.kh; ky++) {
              for (int kx = 0; kx < g.kw; kx++) {
                int iy = oy * g.sh - g.padT + ky * g.dh;
                int ix = ox * g.sw - g.padL + kx * g.dw;
                if (iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW) {
                  int xv = x[((b * g.inH + iy) * g.inW + ix) * channels + o / mult];
                  acc += (long) (xv - q.inZp) * w[(ky * g.kw + kx) * oc + o];
                }
              }
            }
            expected[((b * outH + oy) * outW + ox) * oc + o] = q.requantize(acc, o);
          }
        }
      }
    }
    assertThat(dw.outputHeight(g.inH)).isEqualTo(outH);
    assertThat(dw.outputWidth(g.inW)).isEqualTo(outW);
    MemorySegment y = arena.allocate(expected.length);
    dw.run(batch, g.inH, g.inW, Qs8Reference.bytes(arena, x), 0, y, 0);
    assertThat(Qs8Reference.read(y, 0, expected.length)).as("%s batch %d", g, batch)
        .isEqualTo(expected);
    MemorySegment ys = arena.allocate(expected.length);
    dw.runScalar(batch, g.inH, g.inW, Qs8Reference.bytes(arena, x), 0, ys, 0);
    assertThat(Qs8Reference.read(ys, 0, expected.length)).isEqualTo(expected);
  }

  /** Random quantization parameters and the reference requantization they imply. */
  private record Quant(
      float inScale, int inZp, float outScale, int outZp, float[] wScales, float outMin,
      int qmin) {
    static Quant random(Random r, int scales, boolean relu) {
      float inScale = 0.02f + r.nextFloat() * 0.02f;
      float outScale = 0.2f + r.nextFloat();
      int outZp = r.nextInt(256) - 128;
      float outMin = relu ? 0f : Float.NEGATIVE_INFINITY;
      return new Quant(
          inScale, r.nextInt(256) - 128, outScale, outZp,
          Qs8Reference.randomScales(r, scales, 0.01f), outMin,
          Qs8Reference.quantize(outMin, outScale, outZp));
    }

    byte requantize(long acc, int o) {
      float scale = inScale * wScales[wScales.length == 1 ? 0 : o] / outScale;
      return (byte) Qs8Reference.requantize(acc, scale, outZp, qmin, 127);
    }
  }
}
