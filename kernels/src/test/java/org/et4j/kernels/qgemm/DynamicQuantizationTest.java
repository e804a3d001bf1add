package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Per-row dynamic quantization against hand-worked XNNPACK results and against a reference
 * written here from {@code src/xnnpack/quantization.h}: zero points, scales and values exact.
 */
class DynamicQuantizationTest {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

  @Test
  void handWorkedRows() {
    // All zeros: rmin == rmax, so the multiplier is 1; the "max" branch gives zero point 127.
    check(new float[] {0, 0, 0}, 127, 1f, new byte[] {127, 127, 127});
    // All positive: multiplier 255 / 3 = 85, zero point -128.
    check(new float[] {1, 2, 3}, -128, 1f / 85f, new byte[] {-43, 42, 127});
    // All negative: multiplier 63.75, zero point 127; -2 * 63.75 = -127.5 rounds to even (-128).
    check(new float[] {-1, -2, -4}, 127, 1f / 63.75f, new byte[] {63, -1, -128});
    // Constant negative row: every value saturates to -128.
    check(new float[] {-1, -1}, 127, 1f / 255f, new byte[] {-128, -128});
  }

  @Test
  void randomAndExtremeRowsMatchTheReference() {
    Random random = new Random(7);
    float[][] rows = {
      {1e30f, 1f, -1f, 0.5f},
      {-3e38f, 2f, 7f},
      {Float.MIN_VALUE, -Float.MIN_VALUE},
      {5f},
      {-0f, 0f, -0f},
      new float[33],
      new float[64],
      new float[100],
    };
    for (int r = 5; r < rows.length; r++) {
      for (int p = 0; p < rows[r].length; p++) {
        rows[r][p] = (float) (random.nextGaussian() * (r == 7 ? 100 : 1) + (r == 6 ? 3 : 0));
      }
    }
    for (float[] row : rows) {
      int[] zp = new int[1];
      float[] scale = new float[1];
      byte[] q = new byte[row.length];
      reference(row, q, zp, scale);
      check(row, zp[0], scale[0], q);
    }
  }

  @Test
  void stridedRowsIntoTheWorkspace() {
    int rows = 3;
    int k = 5;
    int ld = 7;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = arena.allocate(4L * (2 + rows * ld), 4);
      Random random = new Random(3);
      for (int i = 0; i < 2 + rows * ld; i++) {
        in.setAtIndex(F32, i, random.nextFloat() * 4 - 1);
      }
      QuantizedRows ws = QuantizedRows.allocate(4, k);
      DynamicQuantization.quantizeRows(rows, k, in, 2, ld, ws);
      assertThat(ws.rows()).isEqualTo(rows);
      for (int i = 0; i < rows; i++) {
        float[] row = new float[k];
        for (int p = 0; p < k; p++) {
          row[p] = in.getAtIndex(F32, 2 + i * ld + p);
        }
        byte[] q = new byte[k];
        int[] zp = new int[1];
        float[] scale = new float[1];
        reference(row, q, zp, scale);
        assertThat(ws.zeroPoint(i)).isEqualTo(zp[0]);
        assertThat(Float.floatToRawIntBits(ws.scale(i))).isEqualTo(Float.floatToRawIntBits(scale[0]));
        for (int p = 0; p < k; p++) {
          assertThat(ws.value(i, p)).isEqualTo(q[p]);
          assertThat(ws.valuesAsFloat[i * k + p]).isEqualTo((float) q[p]);
        }
      }
    }
  }

  private static void check(float[] row, int zeroPoint, float scale, byte[] expected) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment in = arena.allocate(4L * row.length, 4);
      MemorySegment.copy(row, 0, in, F32, 0, row.length);
      byte[] q = new byte[row.length + 2];
      int[] zp = new int[2];
      float[] scales = new float[2];
      DynamicQuantization.quantizeRows(1, row.length, in, 0, row.length, q, 1, row.length, zp, scales);
      assertThat(zp[0]).as("zero point").isEqualTo(zeroPoint);
      assertThat(Float.floatToRawIntBits(scales[0]))
          .as("scale %s vs %s", scales[0], scale)
          .isEqualTo(Float.floatToRawIntBits(scale));
      for (int p = 0; p < row.length; p++) {
        assertThat(q[1 + p]).as("value %d of %s", p, java.util.Arrays.toString(row)).isEqualTo(expected[p]);
      }
    }
  }

  /**
   * XNNPACK's {@code xnn_qd8_asymmetric_quantization_params} and {@code f32-qs8-vcvt}, written out
   * in the order of the C source: float32 throughout, lrintf/cvtps2dq round half to even.
   */
  private static void reference(float[] row, byte[] q, int[] zeroPoint, float[] scale) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float x : row) {
      lo = x < lo ? x : lo;
      hi = x > hi ? x : hi;
    }
    float rmin = lo < 0f ? lo : 0f;
    float rmax = hi > 0f ? hi : 0f;
    float inv = rmin == rmax ? 1f : (127f - -128f) / (rmax - rmin);
    float dmin = rmin * inv;
    float dmax = rmax * inv;
    float zp = (-128f + dmin) + (127f + dmax) > 0f ? -128f - dmin : 127f - dmax;
    zp = zp < -128f ? -128f : zp > 127f ? 127f : zp;
    int nudged = (int) Math.rint(zp);
    zeroPoint[0] = nudged;
    scale[0] = 1f / inv;
    for (int p = 0; p < row.length; p++) {
      long v = (long) Math.rint(Math.max(-1e9f, Math.min(1e9f, row[p] * inv))) + nudged;
      q[p] = (byte) Math.max(-128, Math.min(127, v));
    }
  }
}
