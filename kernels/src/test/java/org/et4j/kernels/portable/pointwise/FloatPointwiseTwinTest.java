package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.VectorSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Vector API float32 loops against their scalar twins, over sizes that hit every loop tail at
 * every vector width. Every loop must match bit for bit, the transcendental ones included (they
 * share {@link FloatMath}'s algorithm), in interpreted and in compiled code.
 */
class FloatPointwiseTwinTest {
  static final int[] SIZES = {0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 255, 257};
  static FloatPointwise vector;
  static final FloatPointwise SCALAR = new ScalarFloatPointwise();
  static final Arena ARENA = Arena.ofAuto();

  @BeforeAll
  static void loadVector() {
    assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
    vector = new VectorFloatPointwise();
  }

  static MemorySegment floats(int n, long seed, float scale) {
    Random r = new Random(seed);
    // One spare element, and an odd byte offset, so that loads are unaligned.
    MemorySegment s = ARENA.allocate((long) (n + 1) * 4 + 1, 64).asSlice(1);
    for (int i = 0; i < n; i++) {
      float v = (float) (r.nextGaussian() * scale);
      if (i % 11 == 5) {
        v = 0f;
      }
      if (i % 13 == 7) {
        v = -0f;
      }
      s.setAtIndex(Elements.F32, i, v);
    }
    return s;
  }

  static MemorySegment withSpecials(MemorySegment s, int n) {
    float[] specials = {
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, -1e30f, -0f, 88.72f, 88.73f,
      -87.5f, -103.9f, -104.5f, 9.05f, -9.2f, Float.MIN_VALUE, -Float.MAX_VALUE
    };
    for (int i = 0; i < n && i < specials.length * 3; i += 3) {
      s.setAtIndex(Elements.F32, i, specials[i / 3]);
    }
    return s;
  }

  static MemorySegment out(int n) {
    return ARENA.allocate((long) n * 4 + 4, 64);
  }

  static void assertBitExact(MemorySegment expected, MemorySegment actual, int n) {
    for (int i = 0; i < n; i++) {
      float e = expected.getAtIndex(Elements.F32, i);
      float a = actual.getAtIndex(Elements.F32, i);
      assertThat(Float.floatToIntBits(a)).as("element %d of %d: %s vs %s", i, n, a, e).isEqualTo(Float.floatToIntBits(e));
    }
  }

  static void assertClose(MemorySegment expected, MemorySegment actual, int n, double rel, double abs) {
    for (int i = 0; i < n; i++) {
      float e = expected.getAtIndex(Elements.F32, i);
      float a = actual.getAtIndex(Elements.F32, i);
      if (Float.isNaN(e) || Float.isInfinite(e)) {
        assertThat(Float.floatToIntBits(a)).as("element %d of %d: %s vs %s", i, n, a, e).isEqualTo(Float.floatToIntBits(e));
      } else {
        assertThat((double) a)
            .as("element %d of %d", i, n)
            .isCloseTo(e, within(abs + rel * Math.abs(e)));
      }
    }
  }

  interface Unary {
    void run(FloatPointwise p, MemorySegment a, MemorySegment out, int n);
  }

  interface Binary {
    void run(FloatPointwise p, MemorySegment a, MemorySegment b, MemorySegment out, int n);
  }

  static void unary(Unary op, float scale, boolean exact, double rel, double abs) {
    for (int n : SIZES) {
      MemorySegment a = withSpecials(floats(n, n, scale), n);
      MemorySegment e = out(n);
      MemorySegment v = out(n);
      op.run(SCALAR, a, e, n);
      op.run(vector, a, v, n);
      if (exact) {
        assertBitExact(e, v, n);
      } else {
        assertClose(e, v, n, rel, abs);
      }
    }
  }

  static void binary(Binary op) {
    for (int n : SIZES) {
      MemorySegment a = withSpecials(floats(n, n, 10), n);
      MemorySegment b = floats(n, n + 1000, 10);
      MemorySegment e = out(n);
      MemorySegment v = out(n);
      op.run(SCALAR, a, b, e, n);
      op.run(vector, a, b, v, n);
      assertBitExact(e, v, n);
    }
  }

  @Test
  void add() {
    binary((p, a, b, o, n) -> p.add(a, b, 1f, o, n));
    binary((p, a, b, o, n) -> p.add(a, b, -2.5f, o, n));
    binary((p, a, b, o, n) -> p.addScalar(a, 0.1f, o, n));
  }

  @Test
  void sub() {
    binary((p, a, b, o, n) -> p.sub(a, b, 1f, o, n));
    binary((p, a, b, o, n) -> p.sub(a, b, 3f, o, n));
  }

  @Test
  void mul() {
    binary((p, a, b, o, n) -> p.mul(a, b, o, n));
    binary((p, a, b, o, n) -> p.mulScalar(a, -0.7f, o, n));
  }

  @Test
  void div() {
    binary((p, a, b, o, n) -> p.div(a, b, o, n));
    binary((p, a, b, o, n) -> p.divScalar(a, 3f, o, n));
  }

  @Test
  void offsetRuns() {
    binary((p, a, b, o, n) -> p.add(a, n / 3, b, n / 5, 0.5f, o, n / 7, n - n / 3));
    binary((p, a, b, o, n) -> p.sub(a, 1, b, 0, 1f, o, 0, Math.max(0, n - 1)));
    binary((p, a, b, o, n) -> p.mul(a, n / 2, b, n / 4, o, n / 3, n - n / 2));
    binary((p, a, b, o, n) -> p.div(a, 0, b, n / 2, o, n / 2, n - n / 2));
    binary((p, a, b, o, n) -> p.addScalar(a, n / 2, 3f, o, 1, n - n / 2));
    binary((p, a, b, o, n) -> p.mulScalar(a, 1, -3f, o, 0, Math.max(0, n - 1)));
    binary((p, a, b, o, n) -> p.divScalar(a, n / 3, 7f, o, n / 3, n - n / 3));
  }

  @Test
  void relu() {
    unary((p, a, o, n) -> p.relu(a, o, n), 5, true, 0, 0);
  }

  @Test
  void clamp() {
    unary((p, a, o, n) -> p.clamp(a, -1f, 2f, o, n), 5, true, 0, 0);
    unary((p, a, o, n) -> p.clamp(a, Float.NEGATIVE_INFINITY, 0.5f, o, n), 5, true, 0, 0);
  }

  @Test
  void where() {
    for (int n : SIZES) {
      MemorySegment a = floats(n, n, 1);
      MemorySegment b = floats(n, n + 7, 1);
      MemorySegment c = ARENA.allocate(n + 1);
      Random r = new Random(n);
      for (int i = 0; i < n; i++) {
        c.set(ValueLayout.JAVA_BYTE, i, (byte) (r.nextBoolean() ? 1 : 0));
      }
      MemorySegment e = out(n);
      MemorySegment v = out(n);
      SCALAR.where(c, a, b, e, n);
      vector.where(c, a, b, v, n);
      assertBitExact(e, v, n);
    }
  }

  // exp, tanh, sigmoid and GELU: FloatMath in the scalar loops and VectorFloatMath in the lanes
  // are the same algorithm, so these match bit for bit as well (accuracy: FloatMathTest).

  @Test
  void exp() {
    unary((p, a, o, n) -> p.exp(a, o, n), 8, true, 0, 0);
    unary((p, a, o, n) -> p.exp(a, o, n), 60, true, 0, 0);
  }

  @Test
  void tanh() {
    unary((p, a, o, n) -> p.tanh(a, o, n), 3, true, 0, 0);
  }

  @Test
  void sigmoid() {
    unary((p, a, o, n) -> p.sigmoid(a, o, n), 8, true, 0, 0);
    unary((p, a, o, n) -> p.sigmoid(a, o, n), 60, true, 0, 0);
  }

  @Test
  void geluTanh() {
    unary((p, a, o, n) -> p.gelu(a, o, n, true), 3, true, 0, 0);
  }

  @Test
  void geluExact() {
    unary((p, a, o, n) -> p.gelu(a, o, n, false), 3, true, 0, 0);
  }

  /**
   * The same comparison after the vector loops ran long enough for C2 to compile them (the
   * interpreted Vector API computes each lane in Java, C2 with vector instructions): the bits must
   * not change with the JIT state. A few hundred thousand elements, well under a second once
   * compiled.
   */
  @Test
  void transcendentalsKeepTheirBitsOnceCompiled() {
    assumeTrue(VectorSupport.enabled(), "the vector-off run has no compiled vector code to compare");
    int n = 131; // a vector body and a tail at every width
    MemorySegment a = withSpecials(floats(n, 42, 6), n);
    MemorySegment e = out(n);
    MemorySegment v = out(n);
    Unary[] ops = {
      (p, x, o, m) -> p.exp(x, o, m),
      (p, x, o, m) -> p.tanh(x, o, m),
      (p, x, o, m) -> p.sigmoid(x, o, m),
      (p, x, o, m) -> p.gelu(x, o, m, true),
      (p, x, o, m) -> p.gelu(x, o, m, false),
    };
    for (Unary op : ops) {
      op.run(SCALAR, a, e, n);
      for (int round = 0; round < 8_000; round++) {
        op.run(vector, a, v, n);
        if (round % 1000 == 0 || round == 7_999) {
          assertBitExact(e, v, n);
        }
      }
    }
  }

  @Test
  void vectorIsChosenByDefaultWhenTheModuleIsPresent() {
    String expected =
        VectorSupport.enabled() ? "VectorFloatPointwise" : "ScalarFloatPointwise";
    assertThat(FloatPointwise.instance().getClass().getSimpleName()).isEqualTo(expected);
  }

}
