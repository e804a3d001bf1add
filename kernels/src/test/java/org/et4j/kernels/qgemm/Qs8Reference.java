package org.et4j.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * Independent references for the static int8 tests, written from XNNPACK's formulas in their
 * plainest form: sums in long over {@code (x - zp) * w} (no packed bias), the {@code lrintf}
 * requantization of {@code xnn_qs8_requantize_fp32} ({@code src/xnnpack/requantization.h}) rather
 * than the magic-bias one the kernels use, and direct window loops.
 */
final class Qs8Reference {
  private Qs8Reference() {}

  /** {@code xnn_qs8_quantize}: {@code lrintf(fminf(fmaxf(v / s + zp, -128), 127))}. */
  static int quantize(float v, float scale, int zp) {
    float q = v / scale + (float) zp;
    if (Float.isNaN(q)) {
      q = -128f;
    }
    return (int) Math.rint(Math.min(Math.max(q, -128f), 127f));
  }

  /** {@code xnn_qs8_requantize_fp32}, with the accumulator narrowed to int32 as XNNPACK keeps it. */
  static int requantize(long acc, float scale, int zp, int qmin, int qmax) {
    float scaled = (float) (int) acc * scale;
    scaled = Math.max(scaled, (float) (qmin - zp));
    scaled = Math.min(scaled, (float) (qmax - zp));
    return (int) Math.rint(scaled) + zp;
  }

  static MemorySegment bytes(Arena arena, byte[] v) {
    MemorySegment s = arena.allocate(Math.max(1, v.length));
    MemorySegment.copy(v, 0, s, ValueLayout.JAVA_BYTE, 0, v.length);
    return s;
  }

  static MemorySegment ints(Arena arena, int[] v) {
    MemorySegment s = arena.allocate(4L * Math.max(1, v.length), 4);
    MemorySegment.copy(v, 0, s, ValueLayout.JAVA_INT_UNALIGNED, 0, v.length);
    return s;
  }

  static byte[] read(MemorySegment s, long off, int n) {
    byte[] out = new byte[n];
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, out, 0, n);
    return out;
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static int[] randomBias(Random r, int n, int bound) {
    int[] b = new int[n];
    for (int i = 0; i < n; i++) {
      b[i] = r.nextInt(2 * bound + 1) - bound;
    }
    return b;
  }

  /** Scales around {@code base}, as a calibrated quantizer would produce them. */
  static float[] randomScales(Random r, int n, float base) {
    float[] s = new float[n];
    for (int i = 0; i < n; i++) {
      s[i] = base * (0.25f + r.nextFloat());
    }
    return s;
  }
}
