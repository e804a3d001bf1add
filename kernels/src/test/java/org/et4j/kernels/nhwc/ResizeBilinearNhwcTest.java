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
 * {@link ResizeBilinearNhwc} against PyTorch's and TensorFlow's coordinate definitions computed in
 * double here, small known cases, and the chosen implementation against the scalar twin.
 */
class ResizeBilinearNhwcTest {
  private static final int[] FLAGS = {
    0, ResizeBilinearNhwc.ALIGN_CORNERS, ResizeBilinearNhwc.TENSORFLOW_LEGACY_MODE
  };
  /** in h, in w, out h, out w. */
  private static final int[][] SIZES = {
    {4, 5, 8, 10}, {5, 3, 3, 7}, {1, 4, 3, 1}, {6, 6, 6, 6}, {3, 2, 7, 5}, {7, 7, 14, 13},
  };

  private final SplittableRandom random = new SplittableRandom(5);

  @Test
  void matchesTheCoordinateDefinitionsOverEveryTail() {
    for (int c : CHANNELS) {
      for (int[] s : SIZES) {
        for (int flags : FLAGS) {
          check(2, s[0], s[1], c, s[2], s[3], flags);
        }
      }
    }
  }

  @Test
  void knownRows() {
    // PyTorch: upsample_bilinear2d of [0, 1] to 4 without aligned corners is [0, .25, .75, 1];
    // with aligned corners to 3 it is [0, .5, 1]. TensorFlow legacy to 4: [0, .5, 1, 1].
    assertThat(resizeRow(new float[] {0, 1}, 4, 0)).containsExactly(0f, 0.25f, 0.75f, 1f);
    assertThat(resizeRow(new float[] {0, 1}, 3, ResizeBilinearNhwc.ALIGN_CORNERS))
        .containsExactly(0f, 0.5f, 1f);
    assertThat(resizeRow(new float[] {0, 1}, 4, ResizeBilinearNhwc.TENSORFLOW_LEGACY_MODE))
        .containsExactly(0f, 0.5f, 1f, 1f);
  }

  @Test
  void rejectsBadFlagsAndSizes() {
    assertThatThrownBy(() -> ResizeBilinearNhwc.prepare(3, 4, 4, 0xC))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mutually exclusive");
    assertThatThrownBy(() -> ResizeBilinearNhwc.prepare(3, 4, 4, 0x1))
        .hasMessageContaining("unknown flags 0x1");
    assertThatThrownBy(() -> ResizeBilinearNhwc.prepare(3, 0, 4, 0))
        .hasMessageContaining("output height");
  }

  private static float[] resizeRow(float[] row, int outW, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = NhwcTesting.segment(arena, row, 0);
      MemorySegment out = NhwcTesting.output(arena, outW, 0);
      ResizeBilinearNhwc.prepare(1, 1, outW, flags).run(1, 1, row.length, in, 0, out, 0);
      return NhwcTesting.read(out, 0, outW);
    }
  }

  /** The source coordinate as PyTorch ({@code align_corners}) and TensorFlow 1 define it. */
  private static double source(int o, int in, int out, int flags) {
    double s;
    if (flags == ResizeBilinearNhwc.ALIGN_CORNERS) {
      s = out == 1 ? 0 : (double) o * (in - 1) / (out - 1);
    } else if (flags == ResizeBilinearNhwc.TENSORFLOW_LEGACY_MODE) {
      s = (double) o * in / out;
    } else {
      s = Math.max((o + 0.5) * in / out - 0.5, 0);
    }
    return Math.min(s, in - 1);
  }

  private void check(int n, int ih, int iw, int c, int oh, int ow, int flags) {
    float[] x = NhwcTesting.random(random, n * ih * iw * c);
    double[] expected = new double[n * oh * ow * c];
    double[] tolerance = new double[expected.length];
    for (int in = 0; in < n; in++) {
      for (int oy = 0; oy < oh; oy++) {
        double y = source(oy, ih, oh, flags);
        int y0 = (int) y;
        int y1 = Math.min(y0 + 1, ih - 1);
        double ay = y - y0;
        for (int ox = 0; ox < ow; ox++) {
          double xs = source(ox, iw, ow, flags);
          int x0 = (int) xs;
          int x1 = Math.min(x0 + 1, iw - 1);
          double ax = xs - x0;
          for (int ch = 0; ch < c; ch++) {
            double tl = x[((in * ih + y0) * iw + x0) * c + ch];
            double tr = x[((in * ih + y0) * iw + x1) * c + ch];
            double bl = x[((in * ih + y1) * iw + x0) * c + ch];
            double br = x[((in * ih + y1) * iw + x1) * c + ch];
            double v = (1 - ay) * ((1 - ax) * tl + ax * tr) + ay * ((1 - ax) * bl + ax * br);
            int at = ((in * oh + oy) * ow + ox) * c + ch;
            expected[at] = v;
            // Float coordinates are off by up to (in + 1) ulps of 1 from the double ones; the
            // blend then adds a few roundings of the neighbours' magnitude.
            double mag = Math.abs(tl) + Math.abs(tr) + Math.abs(bl) + Math.abs(br);
            tolerance[at] = (8 + 4 * Math.max(ih, iw)) * EPS * mag;
          }
        }
      }
    }
    String what = "resize " + ih + "x" + iw + "x" + c + " -> " + oh + "x" + ow + " flags " + flags;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment xs = NhwcTesting.segment(arena, x, 2);
      float[][] results = new float[2][];
      NhwcKernels[] impls = {NhwcKernels.chosen(), NhwcKernels.scalar()};
      for (int i = 0; i < 2; i++) {
        MemorySegment out = NhwcTesting.output(arena, expected.length, 2);
        ResizeBilinearNhwc.prepare(impls[i], c, oh, ow, flags).run(n, ih, iw, xs, 2, out, 1);
        results[i] = NhwcTesting.read(out, 1, expected.length);
        NhwcTesting.assertClose(results[i], expected, tolerance, impls[i].name() + " " + what);
        assertThat(out.getAtIndex(NhwcTesting.LE, expected.length + 1)).isNaN();
      }
      NhwcTesting.assertSame(results[0], results[1], what);
    }
  }
}
