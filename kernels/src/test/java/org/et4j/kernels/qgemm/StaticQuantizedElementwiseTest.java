package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link StaticQuantizedAdd} and {@link StaticQuantizedMultiply}: hand-worked rounding (add rounds
 * half up through its bias, multiply half to even), saturation, relu, broadcasting of either side
 * and a reference sweep over every input pair.
 */
class StaticQuantizedElementwiseTest {

  @Test
  void addRoundsHalfUp() {
    try (Arena arena = Arena.ofConfined()) {
      // Scales 0.5, 0.5 -> 1: shift 21, multipliers 2^20, bias 2^20.
      StaticQuantizedAdd add =
          StaticQuantizedAdd.prepare(
              0.5f, 0, 0.5f, 0, 1f, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      byte[] a = {1, -1, 1, 3, -3, 127, -128};
      byte[] b = {0, 0, 2, 2, 0, 127, -128};
      // 0.5 -> 1, -0.5 -> 0, 1.5 -> 2, 2.5 -> 3, -1.5 -> -1, 127, -128.
      assertThat(runAdd(arena, add, a, 1, b, 1)).containsExactly(1, 0, 2, 3, -1, 127, -128);
    }
  }

  @Test
  void addSaturatesClampsAndBroadcasts() {
    try (Arena arena = Arena.ofConfined()) {
      StaticQuantizedAdd add =
          StaticQuantizedAdd.prepare(1f, 0, 1f, 0, 1f, -20, 0f, Float.POSITIVE_INFINITY);
      assertThat(add.outputRange()).containsExactly(-20, 127);
      byte[] a = {100, -5, 30, -100};
      // a + 7 - 20, relu at -20, saturation at 127.
      assertThat(runAdd(arena, add, a, 1, new byte[] {7}, 0)).containsExactly(87, -18, 17, -20);
      assertThat(runAdd(arena, add, new byte[] {7}, 0, a, 1)).containsExactly(87, -18, 17, -20);
      StaticQuantizedAdd big =
          StaticQuantizedAdd.prepare(
              1f, 0, 1f, 0, 1f, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      assertThat(runAdd(arena, big, new byte[] {100, -100}, 1, new byte[] {100, -100}, 1))
          .containsExactly(127, -128);
    }
  }

  @Test
  void addMatchesReferenceOnEveryPair() {
    Random r = new Random(11);
    try (Arena arena = Arena.ofConfined()) {
      byte[] a = new byte[65536];
      byte[] b = new byte[65536];
      for (int i = 0; i < 65536; i++) {
        a[i] = (byte) (i >> 8);
        b[i] = (byte) i;
      }
      for (int t = 0; t < 12; t++) {
        float aScale = 0.01f + r.nextFloat() * 0.2f;
        float bScale = aScale * (0.1f + r.nextFloat() * 4f);
        float outScale = Math.max(aScale, bScale) * (0.3f + r.nextFloat() * 2f);
        int aZp = r.nextInt(256) - 128;
        int bZp = r.nextInt(256) - 128;
        int outZp = r.nextInt(256) - 128;
        boolean relu = (t & 1) == 1;
        float outMin = relu ? 0f : Float.NEGATIVE_INFINITY;
        StaticQuantizedAdd add =
            StaticQuantizedAdd.prepare(
                aScale, aZp, bScale, bZp, outScale, outZp, outMin, Float.POSITIVE_INFINITY);
        byte[] got = runAdd(arena, add, a, 1, b, 1);
        int qmin = Qs8Reference.quantize(outMin, outScale, outZp);
        float aOut = aScale / outScale;
        float bOut = bScale / outScale;
        int shift = 20 - Math.getExponent(Math.max(aOut, bOut));
        long aMul = (long) Math.rint(Math.scalb(aOut, shift));
        long bMul = (long) Math.rint(Math.scalb(bOut, shift));
        for (int i = 0; i < 65536; i++) {
          long acc = (1L << (shift - 1)) + (a[i] - aZp) * aMul + (b[i] - bZp) * bMul;
          long v = Math.floorDiv(acc, 1L << shift) + outZp;
          v = Math.min(Math.max(v, qmin), 127);
          if (got[i] != (byte) v) {
            assertThat(got[i]).as("a=%d b=%d case %d", a[i], b[i], t).isEqualTo((byte) v);
          }
        }
      }
    }
  }

  @Test
  void multiplyRoundsToEvenAndMatchesReference() {
    Random r = new Random(13);
    try (Arena arena = Arena.ofConfined()) {
      // scale 0.5 * 0.5 / 0.5 = 0.5: (3-1)*(5-0) = 10 -> 5; 1*5 = 5 -> 2.5 -> 2; 1*7 -> 3.5 -> 4.
      StaticQuantizedMultiply mul =
          StaticQuantizedMultiply.prepare(
              0.5f, 1, 0.5f, 0, 0.5f, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      assertThat(runMul(arena, mul, new byte[] {3, 2, 2, 127}, 1, new byte[] {5, 5, 7, 127}, 1))
          .containsExactly(5, 2, 4, 127);
      assertThat(runMul(arena, mul, new byte[] {3}, 0, new byte[] {5, -4}, 1))
          .containsExactly(5, -4);
      byte[] a = new byte[65536];
      byte[] b = new byte[65536];
      for (int i = 0; i < 65536; i++) {
        a[i] = (byte) (i >> 8);
        b[i] = (byte) i;
      }
      for (int t = 0; t < 8; t++) {
        float aScale = 0.01f + r.nextFloat() * 0.1f;
        float bScale = 0.01f + r.nextFloat() * 0.1f;
        float outScale = aScale * bScale * (20f + r.nextFloat() * 200f);
        int aZp = r.nextInt(256) - 128;
        int bZp = r.nextInt(256) - 128;
        int outZp = r.nextInt(256) - 128;
        float outMin = (t & 1) == 1 ? 0f : Float.NEGATIVE_INFINITY;
        StaticQuantizedMultiply m =
            StaticQuantizedMultiply.prepare(
                aScale, aZp, bScale, bZp, outScale, outZp, outMin, Float.POSITIVE_INFINITY);
        byte[] got = runMul(arena, m, a, 1, b, 1);
        int qmin = Qs8Reference.quantize(outMin, outScale, outZp);
        float scale = aScale * bScale / outScale;
        for (int i = 0; i < 65536; i++) {
          long prod = (long) (a[i] - aZp) * (b[i] - bZp);
          byte want = (byte) Qs8Reference.requantize(prod, scale, outZp, qmin, 127);
          if (got[i] != want) {
            assertThat(got[i]).as("a=%d b=%d case %d", a[i], b[i], t).isEqualTo(want);
          }
        }
      }
    }
  }

  @Test
  void vectorPathsMatchTheScalarOracleForEveryStrideAndTail() {
    Random r = new Random(23);
    try (Arena arena = Arena.ofConfined()) {
      StaticQuantizedAdd add =
          StaticQuantizedAdd.prepare(0.03f, -7, 0.05f, 12, 0.06f, 3, 0f, Float.POSITIVE_INFINITY);
      StaticQuantizedMultiply mul =
          StaticQuantizedMultiply.prepare(
              0.03f, -7, 0.05f, 12, 0.004f, -3, Float.NEGATIVE_INFINITY, 2f);
      for (int n : new int[] {1, 15, 16, 17, 33, 100}) {
        MemorySegment a = Qs8Reference.bytes(arena, Qs8Reference.randomBytes(r, n));
        MemorySegment b = Qs8Reference.bytes(arena, Qs8Reference.randomBytes(r, n));
        long[][] strides = {{1, 1}, {0, 1}, {1, 0}};
        for (long[] st : strides) {
          MemorySegment got = arena.allocate(n);
          MemorySegment want = arena.allocate(n);
          add.run(a, 0, st[0], b, 0, st[1], got, 0, n);
          add.scalar(a, 0, st[0], b, 0, st[1], want, 0, 0, n);
          assertThat(Qs8Reference.read(got, 0, n)).as("add n=%d", n)
              .isEqualTo(Qs8Reference.read(want, 0, n));
          mul.run(a, 0, st[0], b, 0, st[1], got, 0, n);
          mul.scalar(a, 0, st[0], b, 0, st[1], want, 0, 0, n);
          assertThat(Qs8Reference.read(got, 0, n)).as("mul n=%d", n)
              .isEqualTo(Qs8Reference.read(want, 0, n));
        }
      }
    }
  }

  @Test
  void convertRoundsToEvenSaturatesAndMapsNanHigh() {
    try (Arena arena = Arena.ofConfined()) {
      float[] x = {
        0.25f, 0.75f, -0.25f, -0.75f, 1e10f, -1e10f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 63.0f, -64.5f
      };
      MemorySegment xs = arena.allocate(4L * x.length, 4);
      MemorySegment.copy(x, 0, xs, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, x.length);
      MemorySegment y = arena.allocate(x.length);
      // scale 0.5 -> multiply by 2; zero point 1.
      StaticQuantizedConvert.quantize(xs, 0, y, 0, x.length, 0.5f, 1);
      assertThat(Qs8Reference.read(y, 0, x.length))
          .containsExactly(1, 3, 1, -1, 127, -128, 127, 127, -128, 127, -128);
      MemorySegment back = arena.allocate(4L * 3, 4);
      MemorySegment q = Qs8Reference.bytes(arena, new byte[] {-128, 1, 127});
      StaticQuantizedConvert.dequantize(q, 0, back, 0, 3, 0.5f, 1);
      float[] f = new float[3];
      MemorySegment.copy(back, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, f, 0, 3);
      assertThat(f).containsExactly(-64.5f, 0f, 63f);
    }
  }

  private static byte[] runAdd(
      Arena arena, StaticQuantizedAdd op, byte[] a, long as, byte[] b, long bs) {
    int n = Math.max(a.length, b.length);
    MemorySegment y = arena.allocate(n);
    op.run(Qs8Reference.bytes(arena, a), 0, as, Qs8Reference.bytes(arena, b), 0, bs, y, 0, n);
    return Qs8Reference.read(y, 0, n);
  }

  private static byte[] runMul(
      Arena arena, StaticQuantizedMultiply op, byte[] a, long as, byte[] b, long bs) {
    int n = Math.max(a.length, b.length);
    MemorySegment y = arena.allocate(n);
    op.run(Qs8Reference.bytes(arena, a), 0, as, Qs8Reference.bytes(arena, b), 0, bs, y, 0, n);
    return Qs8Reference.read(y, 0, n);
  }
}
