package org.et4j.kernels.portable.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.sample.SampleTesting.channelsLast;
import static org.et4j.kernels.portable.sample.SampleTesting.invalid;
import static org.et4j.kernels.portable.sample.SampleTesting.logicalValues;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class PaddingOpsTest {
  private static String op(boolean reflection, int n) {
    return "aten::" + (reflection ? "reflection" : "replication") + "_pad" + n + "d.out";
  }

  private static TensorImpl pad(boolean reflection, TensorImpl in, long... padding) {
    int n = padding.length / 2;
    int[] sizes = in.sizes();
    for (int i = 1; i <= n; i++) {
      sizes[sizes.length - i] += (int) (padding[2 * i - 2] + padding[2 * i - 1]);
    }
    TensorImpl out = empty(in.dtype(), sizes);
    call(op(reflection, n), v(in), ints(padding), v(out), v(out));
    return out;
  }

  /** The textbook padding of a row-major tensor: mirror about the edge pixels, or clamp. */
  private static double[] reference(boolean reflection, double[] x, int[] sizes, long[] padding) {
    int rank = sizes.length;
    int n = padding.length / 2;
    int[] outSizes = sizes.clone();
    long[] before = new long[rank];
    for (int i = 1; i <= n; i++) {
      outSizes[rank - i] += (int) (padding[2 * i - 2] + padding[2 * i - 1]);
      before[rank - i] = padding[2 * i - 2];
    }
    int total = 1;
    for (int s : outSizes) {
      total *= s;
    }
    double[] y = new double[total];
    int[] coord = new int[rank];
    for (int k = 0; k < total; k++) {
      int rem = k;
      for (int d = rank - 1; d >= 0; d--) {
        coord[d] = rem % outSizes[d];
        rem /= outSizes[d];
      }
      int src = 0;
      for (int d = 0; d < rank; d++) {
        long c = coord[d] - before[d];
        int size = sizes[d];
        if (reflection) {
          c = c < 0 ? -c : c >= size ? 2L * (size - 1) - c : c;
        } else {
          c = Math.max(0, Math.min(size - 1, c));
        }
        src = src * size + (int) c;
      }
      y[k] = x[src];
    }
    return y;
  }

  @Test
  void reflection1dByHandWithPadSizeMinusOne() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 4}, 1, 2, 3, 4);
    assertThat(values(pad(true, in, 3, 3))).containsExactly(4, 3, 2, 1, 2, 3, 4, 3, 2, 1);
    assertThat(values(pad(true, in, 2, 0))).containsExactly(3, 2, 1, 2, 3, 4);
  }

  @Test
  void replication1dByHandIncludingCropping() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    assertThat(values(pad(false, in, 2, 1))).containsExactly(1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6);
    assertThat(values(pad(false, in, -1, 2))).containsExactly(2, 3, 3, 3, 5, 6, 6, 6);
    assertThat(values(pad(true, in, -1, 1))).containsExactly(2, 3, 2, 5, 6, 5);
  }

  @Test
  void everyRankAndModeMatchesTheReference() {
    long[][] pads = {
      {1, 2}, {2, 0, 1, 1}, {1, 1, 0, 2, 1, 0}
    };
    for (boolean reflection : new boolean[] {true, false}) {
      for (int n = 1; n <= 3; n++) {
        for (int batchDims = 1; batchDims <= 2; batchDims++) {
          int[] sizes = new int[n + batchDims];
          for (int d = 0; d < sizes.length; d++) {
            sizes[d] = d < batchDims ? 2 : 3;
          }
          int total = 1;
          for (int s : sizes) {
            total *= s;
          }
          double[] x = new double[total];
          for (int k = 0; k < total; k++) {
            x[k] = k * 3 % 17;
          }
          TensorImpl in = tensor(ScalarType.DOUBLE, sizes, x);
          assertThat(values(pad(reflection, in, pads[n - 1])))
              .as("%s %dd on rank %d", reflection ? "reflection" : "replication", n, sizes.length)
              .containsExactly(reference(reflection, x, sizes, pads[n - 1]));
        }
      }
    }
  }

  @Test
  void reflection3dWithPadsOfSizeMinusOne() {
    double[] x = new double[2 * 2 * 3];
    for (int k = 0; k < x.length; k++) {
      x[k] = k;
    }
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 2, 2, 3}, x);
    long[] p = {2, 2, 1, 1, 1, 1};
    assertThat(values(pad(true, in, p))).containsExactly(reference(true, x, new int[] {1, 2, 2, 3}, p));
  }

  @Test
  void sizeOneDimensions() {
    TensorImpl one = tensor(ScalarType.FLOAT, new int[] {2, 1}, 7, 8);
    assertThat(values(pad(false, one, 2, 3))).containsExactly(7, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 8);
    assertThat(values(pad(true, one, 0, 0))).containsExactly(7, 8);
    invalid(op(true, 1), v(one), ints(1, 0), v(empty(ScalarType.FLOAT, 2, 2)), v(empty(ScalarType.FLOAT, 2, 2)))
        .hasMessageContaining("smaller");
  }

  @Test
  void anyDtypeIsCopiedExactly() {
    long big = Long.MAX_VALUE - 1;
    TensorImpl in = longTensor(new int[] {1, 2}, big, -big);
    assertThat(longValues(pad(false, in, 1, 1))).containsExactly(big, big, -big, -big);
    TensorImpl bools = tensor(ScalarType.BOOL, new int[] {1, 3}, 1, 0, 0);
    assertThat(values(pad(true, bools, 2, 2))).containsExactly(0, 0, 1, 0, 0, 0, 1);
    TensorImpl half = tensor(ScalarType.HALF, new int[] {1, 1, 2}, 0.1, -65504);
    assertThat(values(pad(false, half, 1, 0, 1, 0)))
        .containsExactly(values(tensor(ScalarType.HALF, new int[] {6}, 0.1, 0.1, -65504, 0.1, 0.1, -65504)));
  }

  @Test
  void replicationHonoursChannelsLastLayout() {
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
    TensorImpl in = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 2, 2}, x);
    TensorImpl out = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 3, 2});
    call(op(false, 2), v(in), ints(0, 0, 1, 0), v(out), v(out));
    assertThat(logicalValues(out)).containsExactly(1, 2, 1, 2, 3, 4, 5, 6, 5, 6, 7, 8);
    // Reflection takes the contiguous dim order only, as ExecuTorch.
    invalid(op(true, 2), v(in), ints(0, 0, 1, 0), v(out), v(out)).hasMessageContaining("contiguous");
  }

  @Test
  void emptyTensorsAndDynamicOut() {
    TensorImpl noRows = empty(ScalarType.FLOAT, 0, 3);
    TensorImpl out = pad(true, noRows, 2, 2);
    assertThat(out.sizes()).containsExactly(0, 7);
    // Replicating an empty dimension has nothing to copy from.
    TensorImpl noCols = empty(ScalarType.FLOAT, 2, 0);
    invalid(op(false, 1), v(noCols), ints(1, 1), v(empty(ScalarType.FLOAT, 2, 2)), v(empty(ScalarType.FLOAT, 2, 2)))
        .hasMessageContaining("outside");
    // ...but cropping to nothing is fine.
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 2}, 1, 2);
    TensorImpl zero = empty(ScalarType.FLOAT, 1, 0);
    call(op(false, 1), v(in), ints(-1, -1), v(zero), v(zero));

    TensorImpl dyn = dynamicOut(ScalarType.FLOAT, 32, 1, 1);
    call(op(true, 1), v(in), ints(1, 1), v(dyn), v(dyn));
    assertThat(dyn.sizes()).containsExactly(1, 4);
    assertThat(values(dyn)).containsExactly(2, 1, 2, 1);
  }

  @Test
  void badArguments() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 3}, 1, 2, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 9);
    invalid(op(true, 1), v(in), ints(3, 3), v(out), v(out)).hasMessageContaining("smaller");
    invalid(op(true, 1), v(in), ints(1, 1, 1), v(out), v(out)).hasMessageContaining("2 items");
    invalid(op(false, 1), v(in), ints(-2, -2), v(out), v(out)).hasMessageContaining("negative size");
    invalid(op(false, 1), v(in), ints(1, 1), v(empty(ScalarType.DOUBLE, 1, 5)), v(empty(ScalarType.DOUBLE, 1, 5)))
        .hasMessageContaining("dtype");
    TensorImpl rank1 = tensor(ScalarType.FLOAT, new int[] {3}, 1, 2, 3);
    invalid(op(false, 1), v(rank1), ints(1, 1), v(empty(ScalarType.FLOAT, 5)), v(empty(ScalarType.FLOAT, 5)))
        .hasMessageContaining("dimensions");
    invalid(op(false, 2), v(in), ints(1, 1, 1, 1), v(out), v(out)).hasMessageContaining("dimensions");
  }
}
