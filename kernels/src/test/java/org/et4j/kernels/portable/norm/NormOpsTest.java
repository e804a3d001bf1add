package org.et4j.kernels.portable.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class NormOpsTest {
  /** Layer norm in double, the textbook way. */
  private static double[] layerNorm(double[] x, int rows, int n, double[] w, double[] b, double eps) {
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      double mean = 0;
      for (int j = 0; j < n; j++) {
        mean += x[r * n + j];
      }
      mean /= n;
      double var = 0;
      for (int j = 0; j < n; j++) {
        var += (x[r * n + j] - mean) * (x[r * n + j] - mean);
      }
      var /= n;
      for (int j = 0; j < n; j++) {
        y[r * n + j] = (x[r * n + j] - mean) / Math.sqrt(var + eps) * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
      }
    }
    return y;
  }

  @Test
  void layerNormAllRowLengthsAndDtypes() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF, ScalarType.BFLOAT16}) {
      for (int n : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65}) {
        double[] x = new double[3 * n];
        for (int j = 0; j < x.length; j++) {
          x[j] = ((j * 13) % 17) * 0.25 - 2;
        }
        double[] w = new double[n];
        double[] bias = new double[n];
        for (int j = 0; j < n; j++) {
          w[j] = 0.5 + j % 3;
          bias[j] = j % 2 - 0.25;
        }
        TensorImpl in = tensor(t, new int[] {3, n}, x);
        TensorImpl out = empty(t, 3, n);
        TensorImpl mean = empty(t, 3, 1);
        TensorImpl rstd = empty(t, 3, 1);
        call("aten::native_layer_norm.out", v(in), ints(n), v(tensor(t, new int[] {n}, w)), v(tensor(t, new int[] {n}, bias)), d(1e-5),
            v(out), v(mean), v(rstd), tensors(out, mean, rstd));
        double tol = t == ScalarType.FLOAT || t == ScalarType.DOUBLE ? 2e-3 : 0.1;
        assertThat(values(out)).as("%s n=%d", t, n).containsExactly(layerNorm(values(in), 3, n, w, bias, 1e-5), within(tol));
        assertThat(values(mean)[0]).isCloseTo(java.util.Arrays.stream(values(in), 0, n).average().orElse(0), within(tol));
      }
    }
  }

  @Test
  void layerNormOverTwoDimsWithoutAffineAndEdgeCases() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 5, 5, 5);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2, 2);
    TensorImpl mean = empty(ScalarType.FLOAT, 2, 1, 1);
    TensorImpl rstd = empty(ScalarType.FLOAT, 2, 1, 1);
    call("aten::native_layer_norm.out", v(in), ints(2, 2), none(), none(), d(0), v(out), v(mean), v(rstd), tensors(out, mean, rstd));
    assertThat(values(mean)).containsExactly(2.5, 5);
    assertThat(java.util.Arrays.copyOf(values(out), 4)).containsExactly(new double[] {-1.3416, -0.4472, 0.4472, 1.3416}, within(1e-3));
    assertThat(values(rstd)[1]).isInfinite();
    assertThatThrownBy(() -> call("aten::native_layer_norm.out", v(in), ints(3), none(), none(), d(0), v(out), v(mean), v(rstd), none()))
        .isInstanceOf(ExecuTorchException.class);
    TensorImpl e = empty(ScalarType.FLOAT, 2, 0);
    TensorImpl em = empty(ScalarType.FLOAT, 2, 1);
    TensorImpl er = empty(ScalarType.FLOAT, 2, 1);
    call("aten::native_layer_norm.out", v(e), ints(0), none(), none(), d(1e-5), v(empty(ScalarType.FLOAT, 2, 0)), v(em), v(er), none());
    assertThat(values(em)).containsExactly(0, 0);
    assertThat(values(er)[0]).isNaN();
  }

  @Test
  void groupNorm() {
    // N=1, C=4, HxW=2, two groups of two channels
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 4, 2}, 1, 2, 3, 4, 10, 10, 10, 14);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 4, 2);
    TensorImpl mean = empty(ScalarType.FLOAT, 1, 2);
    TensorImpl rstd = empty(ScalarType.FLOAT, 1, 2);
    call("aten::native_group_norm.out", v(in), none(), none(), i(1), i(4), i(2), i(2), d(0), v(out), v(mean), v(rstd), tensors(out, mean, rstd));
    assertThat(values(mean)).containsExactly(2.5, 11);
    assertThat(values(rstd)).containsExactly(new double[] {1 / Math.sqrt(1.25), 1 / Math.sqrt(3)}, within(1e-5));
    assertThat(values(out)).containsExactly(new double[] {-1.3416, -0.4472, 0.4472, 1.3416, -0.5774, -0.5774, -0.5774, 1.7321}, within(1e-3));
    TensorImpl w = tensor(ScalarType.FLOAT, new int[] {4}, 1, 2, 1, 1);
    TensorImpl bb = tensor(ScalarType.FLOAT, new int[] {4}, 0, 0, 0, 1);
    call("aten::native_group_norm.out", v(in), v(w), v(bb), i(1), i(4), i(2), i(2), d(0), v(out), v(mean), v(rstd), tensors(out, mean, rstd));
    assertThat(values(out)).containsExactly(new double[] {-1.3416, -0.4472, 0.8944, 2.6833, -0.5774, -0.5774, 0.4226, 2.7321}, within(1e-3));
    assertThatThrownBy(() -> call("aten::native_group_norm.out", v(in), none(), none(), i(1), i(4), i(2), i(3), d(0), v(out), v(mean), v(rstd), none()))
        .hasMessageContaining("divisible");
  }

  @Test
  void batchNormInference() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 2, 1}, 1, 2, 3, 4);
    TensorImpl rm = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    TensorImpl rv = tensor(ScalarType.FLOAT, new int[] {2}, 4, 1);
    TensorImpl w = tensor(ScalarType.FLOAT, new int[] {2}, 2, 1);
    TensorImpl bias = tensor(ScalarType.FLOAT, new int[] {2}, 0, 10);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2, 1);
    TensorImpl m = OpHarnessDyn.out1();
    TensorImpl s = OpHarnessDyn.out1();
    call("aten::_native_batch_norm_legit_no_training.out", v(in), v(w), v(bias), v(rm), v(rv), d(0.1), d(0), v(out), v(m), v(s), tensors(out, m, s));
    assertThat(values(out)).containsExactly(0, 10, 2, 12);
    assertThat(m.sizes()).containsExactly(0);
    call("aten::_native_batch_norm_legit.out", v(in), none(), none(), v(rm), v(rv), b(false), d(0.1), d(0), v(out), v(m), v(s), tensors(out, m, s));
    assertThat(values(out)).containsExactly(0, 0, 1, 2);
    assertThatThrownBy(() -> call("aten::_native_batch_norm_legit.out", v(in), none(), none(), v(rm), v(rv), b(true), d(0.1), d(0), v(out), v(m), v(s), none()))
        .hasMessageContaining("inference");
  }

  @Test
  void batchNormWithBatchStatistics() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 2}, 1, 10, 3, 10);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2);
    TensorImpl m = empty(ScalarType.FLOAT, 2);
    TensorImpl s = empty(ScalarType.FLOAT, 2);
    call("aten::_native_batch_norm_legit.no_stats_out", v(in), none(), none(), b(true), d(0.1), d(0), v(out), v(m), v(s), tensors(out, m, s));
    assertThat(values(m)).containsExactly(2, 10);
    assertThat(values(s)[0]).isCloseTo(1, within(1e-6));
    assertThat(values(out)[0]).isCloseTo(-1, within(1e-6));
    assertThat(values(out)[2]).isCloseTo(1, within(1e-6));
  }

  @Test
  void dropout() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {4}, 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    TensorImpl mask = empty(ScalarType.BOOL, 4);
    call("aten::native_dropout.out", v(in), d(0.5), b(false), v(out), v(mask), tensors(out, mask));
    assertThat(values(out)).containsExactly(1, 2, 3, 4);
    assertThat(longValues(mask)).containsExactly(1, 1, 1, 1);
    call("aten::native_dropout.out", v(in), d(1.0), none(), v(out), v(mask), tensors(out, mask));
    assertThat(values(out)).containsExactly(0, 0, 0, 0);
    assertThat(longValues(mask)).containsExactly(0, 0, 0, 0);
    call("aten::native_dropout.out", v(in), d(0.5), b(true), v(out), v(mask), tensors(out, mask));
    double[] y = values(out);
    long[] k = longValues(mask);
    for (int j = 0; j < 4; j++) {
      assertThat(y[j]).isEqualTo(k[j] == 1 ? j + 1 : 0);
    }
    assertThatThrownBy(() -> call("aten::native_dropout.out", v(in), d(1.5), b(true), v(out), v(mask), none()))
        .hasMessageContaining("probability");
  }

  @Test
  void cdistAndPdist() {
    TensorImpl x1 = tensor(ScalarType.FLOAT, new int[] {2, 2}, 0, 0, 3, 4);
    TensorImpl x2 = tensor(ScalarType.FLOAT, new int[] {1, 2}, 0, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 1);
    double[][] expect = {{0, 2}, {0, 7}, {0, 5}, {0, 4}, {0, Math.pow(3 * 3 * 3 + 4 * 4 * 4, 1.0 / 3)}};
    double[] ps = {0, 1, 2, Double.POSITIVE_INFINITY, 3};
    for (int k = 0; k < ps.length; k++) {
      call("aten::_cdist_forward.out", v(x1), v(x2), d(ps[k]), none(), v(out), v(out));
      assertThat(values(out)).as("p=%s", ps[k]).containsExactly(expect[k], within(1e-5));
    }
    // batch broadcast: x1 [2, 1, 2] against x2 [1, 2]
    TensorImpl b1 = tensor(ScalarType.DOUBLE, new int[] {2, 1, 2}, 1, 1, 2, 2);
    TensorImpl b2 = tensor(ScalarType.DOUBLE, new int[] {2, 2}, 1, 1, 0, 0);
    TensorImpl bo = empty(ScalarType.DOUBLE, 2, 1, 2);
    call("aten::_cdist_forward.out", v(b1), v(b2), d(1), i(0), v(bo), v(bo));
    assertThat(values(bo)).containsExactly(0, 2, 2, 4);

    TensorImpl pin = tensor(ScalarType.FLOAT, new int[] {3, 2}, 0, 0, 3, 4, 6, 8);
    TensorImpl pout = empty(ScalarType.FLOAT, 3);
    call("aten::_pdist_forward.out", v(pin), d(2), v(pout), v(pout));
    assertThat(values(pout)).containsExactly(5, 10, 5);
    assertThatThrownBy(() -> call("aten::_pdist_forward.out", v(pin), d(-1), v(pout), none())).hasMessageContaining("non-negative");
  }

  /** Dynamic outs for the statistics that batch norm resizes to [0]. */
  private static final class OpHarnessDyn {
    static TensorImpl out1() {
      return org.et4j.kernels.testing.OpHarness.dynamicOut(ScalarType.FLOAT, 4, 4);
    }
  }
}
