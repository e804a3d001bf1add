package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.assertj.core.api.AbstractThrowableAssert;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class BackwardOpsTest {
  private static final String CONV = "aten::convolution_backward.out";
  private static final String POOL = "aten::max_pool2d_with_indices_backward.grad_input";

  private static Value bools(boolean... xs) {
    Value v = new Value();
    v.setBoolList(xs.clone());
    return v;
  }

  /** Binding or running the op fails with InvalidArgument. */
  private static AbstractThrowableAssert<?, ? extends Throwable> invalid(String op, Value... args) {
    return assertThatThrownBy(() -> OpHarness.call(op, args))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  private static double[] ramp(int n, double scale, double offset) {
    double[] x = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = ((k * 7) % 11) * scale + offset;
    }
    return x;
  }

  /** Gradients of a grouped 2-D convolution, straight from its definition, in double. */
  private static double[][] convGrads(
      double[] x, int[] xs, double[] w, int[] ws, double[] go, int[] gs, int stride, int pad, int dil, int groups) {
    double[] gi = new double[x.length];
    double[] gw = new double[w.length];
    double[] gb = new double[ws[0]];
    int icPer = ws[1];
    int ocPer = ws[0] / groups;
    for (int n = 0; n < xs[0]; n++) {
      for (int oc = 0; oc < ws[0]; oc++) {
        int g = oc / ocPer;
        for (int oh = 0; oh < gs[2]; oh++) {
          for (int ow = 0; ow < gs[3]; ow++) {
            double grad = go[((n * gs[1] + oc) * gs[2] + oh) * gs[3] + ow];
            gb[oc] += grad;
            for (int ic = 0; ic < icPer; ic++) {
              for (int kh = 0; kh < ws[2]; kh++) {
                for (int kw = 0; kw < ws[3]; kw++) {
                  int ih = oh * stride - pad + kh * dil;
                  int iw = ow * stride - pad + kw * dil;
                  if (ih < 0 || ih >= xs[2] || iw < 0 || iw >= xs[3]) {
                    continue;
                  }
                  int xi = ((n * xs[1] + g * icPer + ic) * xs[2] + ih) * xs[3] + iw;
                  int wi = ((oc * ws[1] + ic) * ws[2] + kh) * ws[3] + kw;
                  gi[xi] += grad * w[wi];
                  gw[wi] += grad * x[xi];
                }
              }
            }
          }
        }
      }
    }
    return new double[][] {gi, gw, gb};
  }

  private static Value[] convArgs(
      TensorImpl go, TensorImpl x, TensorImpl w, Value biasSizes, long stride, long pad, long dil, boolean transposed, long groups,
      boolean[] mask, TensorImpl gi, TensorImpl gw, TensorImpl gb) {
    return new Value[] {
      v(go), v(x), v(w), biasSizes, ints(stride), ints(pad), ints(dil), b(transposed), ints(0), i(groups), bools(mask),
      v(gi), v(gw), v(gb), tensors(gi, gw, gb)
    };
  }

  @Test
  void convolutionBackwardMatchesTheDefinition() {
    int[][] configs = {
      // N, C, H, W, OC, K, stride, pad, dilation, groups
      {1, 1, 3, 3, 1, 2, 1, 0, 1, 1},
      {2, 4, 5, 6, 6, 3, 2, 1, 1, 2},
      {1, 2, 7, 5, 2, 2, 1, 2, 2, 1},
      {1, 3, 4, 4, 3, 3, 1, 1, 1, 3},
    };
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      for (int[] c : configs) {
        int[] xs = {c[0], c[1], c[2], c[3]};
        int[] ws = {c[4], c[1] / c[9], c[5], c[5]};
        int oh = (c[2] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1;
        int ow = (c[3] + 2 * c[7] - c[8] * (c[5] - 1) - 1) / c[6] + 1;
        int[] gs = {c[0], c[4], oh, ow};
        double[] x = ramp(xs[0] * xs[1] * xs[2] * xs[3], 0.25, -1);
        double[] w = ramp(ws[0] * ws[1] * ws[2] * ws[3], 0.5, -2);
        double[] go = ramp(gs[0] * gs[1] * gs[2] * gs[3], 0.125, -0.5);
        TensorImpl gi = empty(t, xs);
        TensorImpl gw = empty(t, ws);
        TensorImpl gb = empty(t, c[4]);
        call(CONV, convArgs(tensor(t, gs, go), tensor(t, xs, x), tensor(t, ws, w), ints(c[4]), c[6], c[7], c[8], false, c[9],
            new boolean[] {true, true, true}, gi, gw, gb));
        double[][] expected = convGrads(x, xs, w, ws, go, gs, c[6], c[7], c[8], c[9]);
        assertThat(values(gi)).containsExactly(expected[0], within(1e-4));
        assertThat(values(gw)).containsExactly(expected[1], within(1e-4));
        assertThat(values(gb)).containsExactly(expected[2], within(1e-4));
      }
    }
  }

  @Test
  void convolutionBackwardOutputMaskAndBiasSizes() {
    int[] xs = {1, 2, 3, 3};
    int[] ws = {2, 2, 2, 2};
    int[] gs = {1, 2, 2, 2};
    double[] x = ramp(18, 1, 0);
    double[] w = ramp(16, 1, -3);
    double[] go = ramp(8, 1, 1);
    double[][] expected = convGrads(x, xs, w, ws, go, gs, 1, 0, 1, 1);
    // Only grad_weight: the other outs are untouched.
    TensorImpl gi = tensor(ScalarType.FLOAT, xs, ramp(18, 0, 42));
    TensorImpl gw = tensor(ScalarType.FLOAT, ws, ramp(16, 0, 42));
    TensorImpl gb = dynamicOut(ScalarType.FLOAT, 4, 1);
    call(CONV, convArgs(tensor(ScalarType.FLOAT, gs, go), tensor(ScalarType.FLOAT, xs, x), tensor(ScalarType.FLOAT, ws, w), none(), 1, 0,
        1, false, 1, new boolean[] {false, true, false}, gi, gw, gb));
    assertThat(values(gw)).containsExactly(expected[1]);
    assertThat(values(gi)).containsOnly(42);
    // grad_bias resized to bias_sizes.
    call(CONV, convArgs(tensor(ScalarType.FLOAT, gs, go), tensor(ScalarType.FLOAT, xs, x), tensor(ScalarType.FLOAT, ws, w), ints(2), 1, 0,
        1, false, 1, new boolean[] {false, false, true}, gi, gw, gb));
    assertThat(gb.sizes()).containsExactly(2);
    assertThat(values(gb)).containsExactly(expected[2]);
  }

  @Test
  void convolutionBackwardHalfRoundsEachStep() {
    int[] xs = {1, 1, 3, 3};
    int[] ws = {1, 1, 2, 2};
    int[] gs = {1, 1, 2, 2};
    double[] x = ramp(9, 0.25, 0);
    double[] w = ramp(4, 0.5, -1);
    double[] go = ramp(4, 0.125, 0);
    double[][] expected = convGrads(x, xs, w, ws, go, gs, 1, 0, 1, 1);
    TensorImpl gi = empty(ScalarType.HALF, xs);
    TensorImpl gw = empty(ScalarType.HALF, ws);
    TensorImpl gb = empty(ScalarType.HALF, 1);
    call(CONV, convArgs(tensor(ScalarType.HALF, gs, go), tensor(ScalarType.HALF, xs, x), tensor(ScalarType.HALF, ws, w), ints(1), 1, 0, 1,
        false, 1, new boolean[] {true, true, true}, gi, gw, gb));
    assertThat(values(gi)).containsExactly(expected[0], within(1e-2));
    assertThat(values(gw)).containsExactly(expected[1], within(1e-2));
  }

  @Test
  void convolutionBackwardRejectsWhatExecuTorchDoesNotSupport() {
    int[] xs = {1, 1, 3, 3};
    int[] ws = {1, 1, 2, 2};
    TensorImpl x = tensor(ScalarType.FLOAT, xs, ramp(9, 1, 0));
    TensorImpl w = tensor(ScalarType.FLOAT, ws, ramp(4, 1, 0));
    TensorImpl go = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, ramp(4, 1, 0));
    TensorImpl gi = empty(ScalarType.FLOAT, xs);
    TensorImpl gw = empty(ScalarType.FLOAT, ws);
    TensorImpl gb = empty(ScalarType.FLOAT, 1);
    boolean[] all = {true, true, true};
    invalid(CONV, convArgs(go, x, w, none(), 1, 0, 1, true, 1, all, gi, gw, gb)).hasMessageContaining("transposed");
    TensorImpl x1 = tensor(ScalarType.FLOAT, new int[] {1, 1, 3}, 1, 2, 3);
    TensorImpl w1 = tensor(ScalarType.FLOAT, new int[] {1, 1, 2}, 1, 2);
    TensorImpl go1 = tensor(ScalarType.FLOAT, new int[] {1, 1, 2}, 1, 2);
    invalid(CONV, convArgs(go1, x1, w1, none(), 1, 0, 1, false, 1, all, empty(ScalarType.FLOAT, 1, 1, 3), empty(ScalarType.FLOAT, 1, 1, 2), gb))
        .hasMessageContaining("2-D");
    TensorImpl xi = tensor(ScalarType.INT, xs, ramp(9, 1, 0));
    TensorImpl wi = tensor(ScalarType.INT, ws, ramp(4, 1, 0));
    TensorImpl goi = tensor(ScalarType.INT, new int[] {1, 1, 2, 2}, ramp(4, 1, 0));
    invalid(CONV, convArgs(goi, xi, wi, none(), 1, 0, 1, false, 1, all, empty(ScalarType.INT, xs), empty(ScalarType.INT, ws),
        empty(ScalarType.INT, 1))).hasMessageContaining("int32");
    TensorImpl badGo = tensor(ScalarType.FLOAT, new int[] {1, 1, 3, 3}, ramp(9, 1, 0));
    invalid(CONV, convArgs(badGo, x, w, none(), 1, 0, 1, false, 1, all, gi, gw, gb)).hasMessageContaining("grad_output");
    invalid(CONV, convArgs(go, x, w, none(), 0, 0, 1, false, 1, all, gi, gw, gb)).hasMessageContaining("stride");
    invalid(CONV, convArgs(go, x, w, none(), 1, 0, 1, false, 0, all, gi, gw, gb)).hasMessageContaining("groups");
    invalid(CONV, convArgs(go, x, w, none(), 1, 0, 1, false, 2, all, gi, gw, gb)).hasMessageContaining("groups");
    invalid(CONV, convArgs(go, x, w, none(), 1, 0, 1, false, 1, all, gi, empty(ScalarType.DOUBLE, ws), gb)).hasMessageContaining("dtype");
  }

  /** max_pool2d_with_indices of one NCHW tensor: (values, indices), in the test's own loop. */
  private static Object[] maxPool(double[] x, int planes, int h, int w, int k, int s, int p) {
    int oh = (h + 2 * p - k) / s + 1;
    int ow = (w + 2 * p - k) / s + 1;
    long[] idx = new long[planes * oh * ow];
    int o = 0;
    for (int c = 0; c < planes; c++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          double best = Double.NEGATIVE_INFINITY;
          long at = -1;
          for (int a = 0; a < k; a++) {
            for (int bb = 0; bb < k; bb++) {
              int y = i * s - p + a;
              int z = j * s - p + bb;
              if (y >= 0 && y < h && z >= 0 && z < w && x[c * h * w + y * w + z] > best) {
                best = x[c * h * w + y * w + z];
                at = (long) y * w + z;
              }
            }
          }
          idx[o++] = at;
        }
      }
    }
    return new Object[] {new int[] {oh, ow}, idx};
  }

  @Test
  void maxPoolBackwardScattersAndAccumulatesOverlappingWindows() {
    double[] x = ramp(2 * 3 * 4 * 4, 1, 0);
    for (int[] cfg : new int[][] {{2, 2, 0}, {3, 1, 1}}) {
      int k = cfg[0];
      int s = cfg[1];
      int p = cfg[2];
      Object[] pooled = maxPool(x, 6, 4, 4, k, s, p);
      int[] os = (int[]) pooled[0];
      long[] idx = (long[]) pooled[1];
      double[] go = ramp(6 * os[0] * os[1], 0.5, 1);
      double[] expected = new double[x.length];
      for (int c = 0; c < 6; c++) {
        for (int q = 0; q < os[0] * os[1]; q++) {
          expected[c * 16 + (int) idx[c * os[0] * os[1] + q]] += go[c * os[0] * os[1] + q];
        }
      }
      // grad_input starts with garbage: it is zeroed.
      TensorImpl gi = tensor(ScalarType.FLOAT, new int[] {2, 3, 4, 4}, ramp(96, 3, 5));
      call(POOL, v(tensor(ScalarType.FLOAT, new int[] {2, 3, os[0], os[1]}, go)), v(tensor(ScalarType.FLOAT, new int[] {2, 3, 4, 4}, x)),
          ints(k), ints(s), ints(p), ints(1), b(false), v(longTensor(new int[] {2, 3, os[0], os[1]}, idx)), v(gi), v(gi));
      assertThat(values(gi)).containsExactly(expected);
    }
  }

  @Test
  void maxPoolBackwardThreeDimensionalEmptyStrideAndSkippedIndices() {
    // CHW input, stride defaulting to the kernel size, an index of -1 skipped.
    TensorImpl in = tensor(ScalarType.DOUBLE, new int[] {1, 2, 4}, 0, 0, 0, 0, 0, 0, 0, 0);
    TensorImpl go = tensor(ScalarType.DOUBLE, new int[] {1, 1, 2}, 1.5, 2.5);
    TensorImpl idx = longTensor(new int[] {1, 1, 2}, 5, -1);
    TensorImpl gi = dynamicOut(ScalarType.DOUBLE, 16, 1, 1, 1);
    call(POOL, v(go), v(in), ints(2, 2), ints(), ints(0), ints(1), b(false), v(idx), v(gi), v(gi));
    assertThat(gi.sizes()).containsExactly(1, 2, 4);
    assertThat(values(gi)).containsExactly(0, 0, 0, 0, 0, 1.5, 0, 0);
    // ceil_mode gives 3 -> 2 windows of 2.
    TensorImpl in3 = tensor(ScalarType.FLOAT, new int[] {1, 1, 3}, 1, 2, 3);
    TensorImpl go3 = tensor(ScalarType.FLOAT, new int[] {1, 1, 2}, 1, 1);
    TensorImpl idx3 = longTensor(new int[] {1, 1, 2}, 1, 2);
    TensorImpl gi3 = empty(ScalarType.FLOAT, 1, 1, 3);
    call(POOL, v(go3), v(in3), ints(1, 2), ints(1, 2), ints(0), ints(1), b(true), v(idx3), v(gi3), v(gi3));
    assertThat(values(gi3)).containsExactly(0, 1, 1);
    // An empty batch is fine.
    TensorImpl none = empty(ScalarType.FLOAT, 0, 1, 2, 2);
    TensorImpl noGo = empty(ScalarType.FLOAT, 0, 1, 1, 1);
    TensorImpl noIdx = empty(ScalarType.LONG, 0, 1, 1, 1);
    TensorImpl noGi = empty(ScalarType.FLOAT, 0, 1, 2, 2);
    call(POOL, v(noGo), v(none), ints(2), ints(2), ints(0), ints(1), b(false), v(noIdx), v(noGi), v(noGi));
    assertThat(noGi.numel()).isZero();
  }

  @Test
  void maxPoolBackwardRejectsBadArguments() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl go = tensor(ScalarType.FLOAT, new int[] {1, 1, 1, 1}, 1);
    TensorImpl idx = longTensor(new int[] {1, 1, 1, 1}, 3);
    TensorImpl gi = empty(ScalarType.FLOAT, 1, 1, 2, 2);
    invalid(POOL, v(go), v(in), ints(2), ints(2), ints(0), ints(1), b(false), v(longTensor(new int[] {1, 1, 1, 1}, 4)), v(gi), v(gi))
        .hasMessageContaining("outside");
    TensorImpl idx32 = tensor(ScalarType.INT, new int[] {1, 1, 1, 1}, 3);
    invalid(POOL, v(go), v(in), ints(2), ints(2), ints(0), ints(1), b(false), v(idx32), v(gi), v(gi)).hasMessageContaining("int64");
    invalid(POOL, v(go), v(in), ints(2), ints(2), ints(2), ints(1), b(false), v(idx), v(gi), v(gi)).hasMessageContaining("half");
    invalid(POOL, v(go), v(in), ints(1), ints(1), ints(0), ints(1), b(false), v(idx), v(gi), v(gi)).hasMessageContaining("grad_output");
    invalid(POOL, v(go), v(in), ints(0), ints(1), ints(0), ints(1), b(false), v(idx), v(gi), v(gi)).hasMessageContaining("kernel_size");
    invalid(POOL, v(go), v(in), ints(2), ints(0), ints(0), ints(1), b(false), v(idx), v(gi), v(gi)).hasMessageContaining("stride");
    TensorImpl ii = tensor(ScalarType.INT, new int[] {1, 1, 2, 2}, 1, 2, 3, 4);
    TensorImpl igo = tensor(ScalarType.INT, new int[] {1, 1, 1, 1}, 1);
    TensorImpl igi = empty(ScalarType.INT, 1, 1, 2, 2);
    invalid(POOL, v(igo), v(ii), ints(2), ints(2), ints(0), ints(1), b(false), v(idx), v(igi), v(igi)).hasMessageContaining("int32");
    TensorImpl in2 = tensor(ScalarType.FLOAT, new int[] {2, 2}, 1, 2, 3, 4);
    invalid(POOL, v(go), v(in2), ints(2), ints(2), ints(0), ints(1), b(false), v(idx), v(gi), v(gi)).hasMessageContaining("3-D");
  }
}
