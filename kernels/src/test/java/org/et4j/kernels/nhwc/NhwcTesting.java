package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Segments, random data and float comparisons for the NHWC kernel tests. */
final class NhwcTesting {
  static final ValueLayout.OfFloat LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  /** Channel counts that hit every vector tail at 128, 256 and 512 bits. */
  static final int[] CHANNELS = {1, 3, 7, 8, 9, 15, 16, 17, 33};
  static final double EPS = Math.scalb(1.0, -23);

  private NhwcTesting() {}

  static float[] random(SplittableRandom r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) r.nextDouble(-1, 1);
    }
    return a;
  }

  /**
   * A segment holding {@code data} after {@code pad} floats of NaN, so that offsets are exercised
   * and any read before the data shows up in the result.
   */
  static MemorySegment segment(Arena arena, float[] data, int pad) {
    // Four bytes past the arena's alignment, so that no vector load is aligned.
    MemorySegment shifted =
        arena.allocate((long) (data.length + pad + 1) * Float.BYTES, 64)
            .asSlice(Float.BYTES, (long) (data.length + pad) * Float.BYTES);
    for (int i = 0; i < pad; i++) {
      shifted.setAtIndex(LE, i, Float.NaN);
    }
    for (int i = 0; i < data.length; i++) {
      shifted.setAtIndex(LE, pad + i, data[i]);
    }
    return shifted;
  }

  static MemorySegment output(Arena arena, int n, int pad) {
    MemorySegment s = arena.allocate((long) (n + pad) * Float.BYTES);
    for (int i = 0; i < n + pad; i++) {
      s.setAtIndex(LE, i, Float.NaN);
    }
    return s;
  }

  static float[] read(MemorySegment s, long offset, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = s.getAtIndex(LE, offset + i);
    }
    return a;
  }

  static double clamp(double v, float min, float max) {
    return Math.min(Math.max(v, min), max);
  }

  /**
   * Each {@code actual[i]} within {@code tolerance[i]} of {@code expected[i]} (computed in double):
   * the tolerance is {@code terms * 2^-23 * sum|terms|}, the bound of a float sum in any order.
   */
  static void assertClose(float[] actual, double[] expected, double[] tolerance, String what) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < actual.length; i++) {
      double err = Math.abs(actual[i] - expected[i]);
      if (!(err <= tolerance[i] + 1e-30)) {
        fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
            + " within " + tolerance[i]);
      }
    }
  }

  /** The vector implementation and its scalar twin agree bit for bit: same order of operations. */
  static void assertSame(float[] vector, float[] scalar, String what) {
    for (int i = 0; i < vector.length; i++) {
      if (Float.floatToIntBits(vector[i]) != Float.floatToIntBits(scalar[i])) {
        fail(what + ": " + NhwcKernels.chosen().name() + " gives " + vector[i] + " at " + i
            + ", scalar gives " + scalar[i]);
      }
    }
  }
}
