package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.TensorImpl;

/** Random inputs, strided element access and tolerant comparison for the nn op tests. */
final class NnTestTensors {
  private static final Arena ARENA = Arena.ofAuto();
  private final SplittableRandom random;

  NnTestTensors(long seed) {
    random = new SplittableRandom(seed);
  }

  /** A contiguous tensor of values in [-1, 1) (small integers for integral dtypes). */
  TensorImpl random(ScalarType t, int... sizes) {
    TensorImpl x = OpHarness.empty(t, sizes);
    for (long i = 0; i < x.numel(); i++) {
      double v = t.isIntegral() ? random.nextInt(-4, 5) : random.nextDouble(-1, 1);
      Elements.writeDouble(t, x.data(), i, v);
    }
    return x;
  }

  /** A random 4-D tensor stored channels-last (dim order [0, 2, 3, 1]). */
  TensorImpl randomChannelsLast(ScalarType t, int... sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    MemorySegment data = ARENA.allocate(n * t.elementSize(), 64);
    TensorImpl x =
        new TensorImpl(t, sizes, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC, data, data.byteSize());
    for (long i = 0; i < n; i++) {
      Elements.writeDouble(t, data, i, random.nextDouble(-1, 1));
    }
    return x;
  }

  /** An empty channels-last output. */
  static TensorImpl channelsLastOut(ScalarType t, long capacity, int... sizes) {
    MemorySegment data = ARENA.allocate(capacity * t.elementSize(), 64);
    return new TensorImpl(
        t, sizes, new int[] {0, 2, 3, 1}, ShapeDynamism.DYNAMIC_BOUND, data, data.byteSize());
  }

  /** The element at logical coordinates {@code idx}, through the tensor's strides. */
  static double at(TensorImpl t, int... idx) {
    long off = 0;
    for (int d = 0; d < idx.length; d++) {
      off += idx[d] * t.stride(d);
    }
    return Elements.readDouble(t.dtype(), t.data(), off);
  }

  /** Every logical element of {@code actual} is within {@code tol} of {@code expected} (row-major logical order). */
  static void assertClose(String what, TensorImpl actual, double[] expected, double tol) {
    assertThat(actual.numel()).as(what + " numel").isEqualTo(expected.length);
    int[] sizes = actual.sizes();
    int[] idx = new int[sizes.length];
    for (int i = 0; i < expected.length; i++) {
      double got = at(actual, idx);
      assertThat(got).as("%s element %d %s", what, i, java.util.Arrays.toString(idx))
          .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(expected[i]))));
      for (int d = sizes.length - 1; d >= 0; d--) {
        if (++idx[d] < sizes[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
  }
}
