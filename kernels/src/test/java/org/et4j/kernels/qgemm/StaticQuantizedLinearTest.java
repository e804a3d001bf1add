package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StaticQuantizedLinear} against the long-sum reference over every tail of n and k, both
 * weight layouts, bias or none, per-channel or per-tensor scales and the relu clamp; the chosen
 * implementation and the scalar oracle must give the same bytes.
 */
class StaticQuantizedLinearTest {
  private static final int[] SIZES = {1, 3, 7, 8, 9, 15, 16, 17, 33};

  @Test
  void vectorPathIsTakenWheneverVectorsAreOn() {
    // Guards against a silent scalar fallback making the vector runs test nothing new.
    assertThat(StaticQuantizedIgemm.chosen() != null)
        .isEqualTo(org.et4j.kernels.util.VectorSupport.enabled());
  }

  @Test
  void handWorked() {
    try (Arena arena = Arena.ofConfined()) {
      // acc = 4 + (3 - 1) * 2 + (-1 - 1) * 5 = -2; scale 0.5 -> -1; + zp 3 = 2.
      // With bias 5: acc = -1 -> -0.5, a tie, rounds to -0 -> 3.
      MemorySegment w = Qs8Reference.bytes(arena, new byte[] {2, 5, 2, 5});
      MemorySegment bias = Qs8Reference.ints(arena, new int[] {4, 5});
      StaticQuantizedLinear fc =
          StaticQuantizedLinear.prepare(
              2, 2, w, 0, true, new float[] {1f}, bias, 0, 0.5f, 1, 1f, 3,
              Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      MemorySegment x = Qs8Reference.bytes(arena, new byte[] {3, -1});
      MemorySegment y = arena.allocate(2);
      fc.run(1, x, 0, y, 0);
      assertThat(Qs8Reference.read(y, 0, 2)).containsExactly(2, 3);
    }
  }

  @Test
  void saturatesAndClampsRelu() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment w = Qs8Reference.bytes(arena, new byte[] {127, -128});
      StaticQuantizedLinear fc =
          StaticQuantizedLinear.prepare(
              2, 1, w, 0, true, new float[] {1f, 1f}, null, 0, 1f, 0, 1f, -10, 0f,
              Float.POSITIVE_INFINITY);
      assertThat(fc.outputRange()).containsExactly(-10, 127);
      MemorySegment x = Qs8Reference.bytes(arena, new byte[] {127, -128});
      MemorySegment y = arena.allocate(4);
      fc.run(2, x, 0, y, 0);
      // 127*127 saturates high; 127*-128 is negative: relu -> zero point -10; and the reverse.
      assertThat(Qs8Reference.read(y, 0, 4)).containsExactly(127, -10, -10, 127);
    }
  }

  @Test
  void sweep() {
    Random r = new Random(42);
    int cases = 0;
    try (Arena arena = Arena.ofConfined()) {
      for (int n : SIZES) {
        for (int k : SIZES) {
          int m = 1 + (cases % 5);
          boolean nByK = (cases & 1) == 0;
          boolean withBias = (cases % 3) != 0;
          boolean perTensor = (cases % 7) == 0;
          boolean relu = (cases % 4) == 1;
          check(arena, r, m, n, k, nByK, withBias, perTensor, relu);
          cases++;
        }
      }
      check(arena, r, 2, 64, 300, true, true, false, false);
      // K past the vector kernel's 1024-step float chunk.
      check(arena, r, 5, 19, 2100, true, true, false, false);
      check(arena, r, 7, 40, 129, false, true, false, true);
    }
  }

  @Test
  void extremeSumsStayExactAcrossFloatChunks() {
    try (Arena arena = Arena.ofConfined()) {
      for (int k : new int[] {1023, 1024, 1025, 3000}) {
        int n = 5;
        byte[] w = new byte[n * k];
        java.util.Arrays.fill(w, (byte) -128);
        byte[] x = new byte[3 * k];
        java.util.Arrays.fill(x, (byte) -128);
        // inZp 127: each (x - zp) * w is 255 * 128; the packed bias is -127 * sum(w).
        float scale = 1f / (k * 32640f);
        StaticQuantizedLinear fc =
            StaticQuantizedLinear.prepare(
                n, k, Qs8Reference.bytes(arena, w), 0, true, new float[] {1f}, null, 0, scale,
                127, 0.01f, -3, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        MemorySegment y = arena.allocate(3 * n);
        fc.run(3, Qs8Reference.bytes(arena, x), 0, y, 0);
        long acc = (long) k * (-128 - 127) * -128;
        byte want =
            (byte) Qs8Reference.requantize(acc, scale * 1f / 0.01f, -3, -128, 127);
        assertThat(Qs8Reference.read(y, 0, 3 * n)).as("k=%d", k).containsOnly(want);
      }
    }
  }

  private static void check(
      Arena arena, Random r, int m, int n, int k, boolean nByK, boolean withBias,
      boolean perTensor, boolean relu) {
    byte[] w = Qs8Reference.randomBytes(r, n * k);
    byte[] x = Qs8Reference.randomBytes(r, m * k);
    int[] bias = Qs8Reference.randomBias(r, n, 20000);
    float inScale = 0.02f + r.nextFloat() * 0.01f;
    int inZp = r.nextInt(256) - 128;
    float outScale = 0.5f + r.nextFloat();
    int outZp = r.nextInt(256) - 128;
    float[] wScales = Qs8Reference.randomScales(r, perTensor ? 1 : n, 0.01f);
    float outMin = relu ? 0f : Float.NEGATIVE_INFINITY;
    StaticQuantizedLinear fc =
        StaticQuantizedLinear.prepare(
            n, k, Qs8Reference.bytes(arena, w), 0, nByK, wScales,
            withBias ? Qs8Reference.ints(arena, bias) : null, 0, inScale, inZp, outScale, outZp,
            outMin, Float.POSITIVE_INFINITY);
    int qmin = Qs8Reference.quantize(outMin, outScale, outZp);
    byte[] expected = new byte[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        long acc = withBias ? bias[j] : 0;
        for (int p = 0; p < k; p++) {
          byte wv = nByK ? w[j * k + p] : w[p * n + j];
          acc += (long) (x[i * k + p] - inZp) * wv;
        }
        float scale = inScale * wScales[perTensor ? 0 : j] / outScale;
        expected[i * n + j] = (byte) Qs8Reference.requantize(acc, scale, outZp, qmin, 127);
      }
    }
    // Offsets and guard bytes around the output catch stray writes.
    MemorySegment xs = arena.allocate(m * k + 3);
    MemorySegment.copy(Qs8Reference.bytes(arena, x), 0, xs, 3, m * k);
    MemorySegment ys = arena.allocate(m * n + 10);
    ys.fill((byte) 0x5a);
    fc.run(m, xs, 3, ys, 5);
    assertThat(Qs8Reference.read(ys, 5, m * n)).as("m=%d n=%d k=%d", m, n, k).isEqualTo(expected);
    assertThat(Qs8Reference.read(ys, 0, 5)).containsOnly(0x5a);
    assertThat(Qs8Reference.read(ys, 5 + m * n, 5)).containsOnly(0x5a);
    MemorySegment ysScalar = arena.allocate(m * n);
    fc.runScalar(m, xs, 3, ysScalar, 0);
    assertThat(Qs8Reference.read(ysScalar, 0, m * n)).isEqualTo(expected);
  }
}
