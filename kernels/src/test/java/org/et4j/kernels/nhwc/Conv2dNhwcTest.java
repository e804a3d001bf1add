package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.et4j.kernels.gemm.Sgemm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv2dNhwc} with the chosen {@link Sgemm} and with the scalar one against {@link
 * #reference}, seven nested loops in double precision straight from the definition.
 */
class Conv2dNhwcTest {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final Arena ARENA = Arena.ofShared();

  private final SplittableRandom random = new SplittableRandom(11);

  @AfterAll
  static void close() {
    ARENA.close();
  }

  /** One convolution's geometry: {g, cg, ocg, kh, kw, sh, sw, dh, dw, pt, pr, pb, pl}. */
  private record Geometry(int[] p) {
    static Geometry of(int... p) {
      return new Geometry(p);
    }

    int groups() {
      return p[0];
    }

    int cg() {
      return p[1];
    }

    int ocg() {
      return p[2];
    }
  }

  @Test
  void kernelsStridesDilationsPaddingsAndGroups() {
    Geometry[] cases = {
      // 1x1 unit stride unpadded: the plain-GEMM path, with one and two groups.
      Geometry.of(1, 5, 33, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
      Geometry.of(2, 3, 17, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0),
      // 1x1 with stride 2 and with padding go through the indirection table.
      Geometry.of(1, 7, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0),
      Geometry.of(1, 4, 8, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1),
      // 3x3, same padding, stride 1 and 2.
      Geometry.of(1, 3, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
      Geometry.of(1, 9, 31, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
      Geometry.of(2, 8, 15, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),
      Geometry.of(2, 17, 7, 3, 3, 2, 1, 1, 1, 0, 1, 1, 0),
      // 5x5, asymmetric padding; dilation 2; a non-square kernel and stride.
      Geometry.of(1, 2, 65, 5, 5, 1, 1, 1, 1, 2, 1, 0, 3),
      Geometry.of(1, 6, 33, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2),
      Geometry.of(2, 5, 9, 5, 5, 2, 2, 2, 1, 3, 0, 4, 1),
      Geometry.of(1, 3, 1, 2, 3, 1, 2, 2, 1, 0, 2, 1, 0),
    };
    float[][] clamps = {{-INF, INF}, {0, INF}, {-1, 1}};
    int c = 0;
    for (Geometry g : cases) {
      for (boolean bias : new boolean[] {true, false}) {
        float[] clamp = clamps[c++ % clamps.length];
        check(g, bias, 2, 9, 7, clamp[0], clamp[1]);
      }
    }
  }

  @Test
  void fewChannelsReadTheirWindowsFromAPaddedImage() {
    // mobilenet_v2's first layer (3 -> 32, 3x3 stride 2 pad 1) and neighbours: partial and several
    // panels, 13 output columns (an 8-row tile and a 5-row tail), a tall kernel with dilation
    // along the height only, 1-row kernels, and 15 channels (the largest that takes this path).
    Geometry[] cases = {
      Geometry.of(1, 3, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
      Geometry.of(1, 3, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1),
      Geometry.of(1, 1, 70, 3, 3, 1, 1, 1, 1, 0, 2, 1, 1),
      Geometry.of(1, 4, 17, 5, 2, 1, 3, 2, 1, 3, 0, 1, 2),
      Geometry.of(1, 2, 9, 1, 3, 1, 1, 3, 1, 0, 1, 0, 1),
      Geometry.of(1, 15, 33, 3, 3, 2, 1, 1, 1, 1, 0, 0, 1),
    };
    float[][] clamps = {{-INF, INF}, {0, 6}};
    int c = 0;
    for (Geometry g : cases) {
      for (boolean bias : new boolean[] {true, false}) {
        float[] clamp = clamps[c++ % clamps.length];
        check(g, bias, 2, 11, 25, clamp[0], clamp[1]);
      }
    }
  }

  @Test
  void paddedImageIsRebuiltWhenTheInputShapeChanges() {
    Geometry g = Geometry.of(1, 3, 21, 3, 3, 2, 2, 1, 1, 1, 0, 2, 1);
    MemorySegment filter = random(1 + g.ocg() * 9 * g.cg());
    MemorySegment bias = random(2 + g.ocg());
    for (Sgemm impl : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      Conv2dNhwc conv = prepare(impl, g, filter, bias);
      int[][] shapes = {{8, 19}, {5, 9}, {5, 9}, {8, 19}, {2, 2}, {2, 2}};
      for (int[] s : shapes) {
        runAndCompare(impl, conv, g, filter, bias, 2, s[0], s[1], -2, 2);
      }
    }
  }

  @Test
  void deepFilterTakesKInSlices() {
    // K = 3 * 3 * 96 = 864 > 1.5 * 512: two k slices at the default KC.
    check(Geometry.of(1, 96, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1), true, 1, 5, 4, 0, INF);
  }

  @Test
  void tableIsRebuiltWhenTheInputShapeChanges() {
    Geometry g = Geometry.of(2, 5, 11, 3, 3, 2, 2, 1, 1, 1, 0, 2, 1);
    MemorySegment filter = random(1 + g.groups() * g.ocg() * 9 * g.cg());
    MemorySegment bias = random(2 + g.groups() * g.ocg());
    for (Sgemm impl : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      Conv2dNhwc conv = prepare(impl, g, filter, bias);
      int[][] shapes = {{8, 6}, {5, 9}, {5, 9}, {8, 6}, {2, 2}, {2, 2}};
      for (int[] s : shapes) {
        runAndCompare(impl, conv, g, filter, bias, 2, s[0], s[1], -2, 2);
      }
    }
  }

  @Test
  void outputSizesFollowTheFloorFormula() {
    Geometry g = Geometry.of(1, 1, 1, 3, 5, 2, 3, 2, 1, 1, 2, 0, 1);
    Conv2dNhwc conv = prepare(Sgemm.get(), g, random(16), null);
    // (IH + 1 + 0 - 2 * 2 - 1) / 2 + 1 and (IW + 1 + 2 - 1 * 4 - 1) / 3 + 1
    assertThat(conv.outputHeight(4)).isEqualTo(1);
    assertThat(conv.outputHeight(10)).isEqualTo(4);
    assertThat(conv.outputWidth(2)).isEqualTo(1);
    assertThat(conv.outputWidth(11)).isEqualTo(4);
    assertThatThrownBy(() -> conv.outputHeight(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smaller than the dilated kernel");
  }

  @Test
  void rejectsInvalidParameters() {
    MemorySegment filter = random(100);
    assertThatThrownBy(
            () -> Conv2dNhwc.prepare(1, 2, 2, 3, 3, 0, 1, 1, 1, 0, 0, 0, 0, filter, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stride height");
    assertThatThrownBy(
            () -> Conv2dNhwc.prepare(1, 2, 2, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, filter, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dilation width");
    assertThatThrownBy(
            () -> Conv2dNhwc.prepare(1, 2, 2, 3, 3, 1, 1, 1, 1, 0, -1, 0, 0, filter, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("right padding");
    assertThatThrownBy(
            () -> Conv2dNhwc.prepare(2, 2, 4, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, filter, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("filter");
    assertThatThrownBy(
            () -> Conv2dNhwc.prepare(1, 2, 2, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0, filter, 0, filter, 99))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bias");
    Conv2dNhwc conv =
        Conv2dNhwc.prepare(1, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, filter, 0, null, 0);
    MemorySegment small = random(2 * 4 * 4 * 2 - 1);
    assertThatThrownBy(() -> conv.run(2, 4, 4, small, 0, filter, 0, -INF, INF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("input");
    assertThatThrownBy(() -> conv.run(1, 4, 4, small, 0, small, 0, 1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min <= max");
  }

  private Conv2dNhwc prepare(Sgemm impl, Geometry g, MemorySegment filter, MemorySegment bias) {
    int[] p = g.p();
    return Conv2dNhwc.prepare(
        impl, p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12],
        filter, 1, bias, 2);
  }

  private void check(
      Geometry g, boolean withBias, int batch, int ih, int iw, float min, float max) {
    int[] p = g.p();
    // Filter and bias start one and two floats into their segments.
    MemorySegment filter = random(1 + (long) g.groups() * g.ocg() * p[3] * p[4] * g.cg());
    MemorySegment bias = withBias ? random(2 + g.groups() * g.ocg()) : null;
    for (Sgemm impl : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
      Conv2dNhwc conv = prepare(impl, g, filter, bias);
      runAndCompare(impl, conv, g, filter, bias, batch, ih, iw, min, max);
      // A second run on the same shape reuses the table.
      runAndCompare(impl, conv, g, filter, bias, batch, ih, iw, min, max);
    }
  }

  private void runAndCompare(
      Sgemm impl, Conv2dNhwc conv, Geometry g, MemorySegment filter, MemorySegment bias, int batch,
      int ih, int iw, float min, float max) {
    int[] p = g.p();
    int oh = conv.outputHeight(ih);
    int ow = conv.outputWidth(iw);
    int c = g.groups() * g.cg();
    int oc = g.groups() * g.ocg();
    MemorySegment in = random(3 + (long) batch * ih * iw * c);
    long outFloats = (long) batch * oh * ow * oc;
    MemorySegment out = ARENA.allocate(4 * (outFloats + 2));
    out.fill((byte) 0x7F); // sentinel around and under the output
    conv.run(batch, ih, iw, in, 3, out, 1, min, max);
    double[][] ref = reference(g, filter, bias, batch, ih, iw, in, oh, ow);
    for (int i = 0; i < outFloats; i++) {
      double expected = Math.max(Math.min(ref[0][i], max), min);
      double tolerance = (p[3] * p[4] * g.cg() + 1) * 0x1p-23 * ref[1][i] + 1e-30;
      assertThat((double) out.getAtIndex(F, 1 + i))
          .as("%s geometry %s bias=%b %dx%dx%d clamp=[%s,%s] output %d", impl.name(),
              java.util.Arrays.toString(p), bias != null, batch, ih, iw, min, max, i)
          .isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
    }
    assertThat(out.getAtIndex(F, 0)).isEqualTo(out.getAtIndex(F, 1 + outFloats));
    assertThat(Float.floatToRawIntBits(out.getAtIndex(F, 0))).isEqualTo(0x7F7F7F7F);
  }

  /** The convolution and the sum of absolute products per output, from the definition. */
  private static double[][] reference(
      Geometry g, MemorySegment filter, MemorySegment bias, int batch, int ih, int iw,
      MemorySegment in, int oh, int ow) {
    int[] p = g.p();
    int groups = p[0];
    int cg = p[1];
    int ocg = p[2];
    int kh = p[3];
    int kw = p[4];
    int c = groups * cg;
    int oc = groups * ocg;
    double[] sum = new double[batch * oh * ow * oc];
    double[] magnitude = new double[sum.length];
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          for (int o = 0; o < oc; o++) {
            int gi = o / ocg;
            double s = bias == null ? 0 : bias.getAtIndex(F, 2 + o);
            double abs = Math.abs(s);
            for (int ky = 0; ky < kh; ky++) {
              int iy = oy * p[5] - p[9] + ky * p[7];
              for (int kx = 0; kx < kw; kx++) {
                int ix = ox * p[6] - p[12] + kx * p[8];
                if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) {
                  continue;
                }
                for (int ci = 0; ci < cg; ci++) {
                  long xi = 3 + (((long) b * ih + iy) * iw + ix) * c + gi * cg + ci;
                  double x = in.getAtIndex(F, xi);
                  double w = filter.getAtIndex(F, 1 + (((long) o * kh + ky) * kw + kx) * cg + ci);
                  s += x * w;
                  abs += Math.abs(x * w);
                }
              }
            }
            int at = ((b * oh + oy) * ow + ox) * oc + o;
            sum[at] = s;
            magnitude[at] = abs;
          }
        }
      }
    }
    return new double[][] {sum, magnitude};
  }

  private MemorySegment random(long floats) {
    MemorySegment s = ARENA.allocate(Math.max(1, floats) * 4, 4);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(F, i, (float) (random.nextDouble() * 2 - 1));
    }
    return s;
  }
}
