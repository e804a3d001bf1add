package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class SoftmaxTest {
  private static double[] reference(double[] x, int rows, int n, boolean log) {
    double[] y = new double[x.length];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, x[r * n + j]);
      }
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.exp(x[r * n + j] - max);
      }
      for (int j = 0; j < n; j++) {
        y[r * n + j] = log ? x[r * n + j] - max - Math.log(sum) : Math.exp(x[r * n + j] - max) / sum;
      }
    }
    return y;
  }

  @Test
  void lastDimAllRowLengthsAndDtypes() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF, ScalarType.BFLOAT16}) {
      for (int n : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65}) {
        double[] x = new double[2 * n];
        for (int j = 0; j < x.length; j++) {
          x[j] = ((j * 37) % 11) * 0.75 - 3 + (t == ScalarType.FLOAT ? 1000 : 0);
        }
        TensorImpl in = tensor(t, new int[] {2, n}, x);
        double tol = t == ScalarType.FLOAT || t == ScalarType.DOUBLE ? 1e-5 : 2e-2;
        for (boolean log : new boolean[] {false, true}) {
          TensorImpl out = empty(t, 2, n);
          call(log ? "aten::_log_softmax.out" : "aten::_softmax.out", v(in), i(-1), b(false), v(out), v(out));
          double[] xs = values(in);
          assertThat(values(out)).as("%s n=%d log=%s", t, n, log).containsExactly(reference(xs, 2, n, log), within(tol * (log ? 4 : 1)));
        }
      }
    }
  }

  @Test
  void alongAnInnerDim() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 2}, 0, 1, 0, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2);
    call("aten::_softmax.out", v(in), i(0), b(false), v(out), v(out));
    double e = Math.exp(2);
    assertThat(values(out)).containsExactly(new double[] {0.5, 1 / (1 + e), 0.5, e / (1 + e)}, within(1e-6));
  }

  @Test
  void zeroDimNaNAndHalfToFloat() {
    TensorImpl s = empty(ScalarType.FLOAT);
    call("aten::_softmax.out", v(tensor(ScalarType.FLOAT, new int[0], 3)), i(0), b(false), v(s), v(s));
    assertThat(values(s)).containsExactly(1);
    call("aten::_log_softmax.out", v(tensor(ScalarType.FLOAT, new int[0], 3)), i(0), b(false), v(s), v(s));
    assertThat(values(s)).containsExactly(0);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::_softmax.out", v(tensor(ScalarType.FLOAT, new int[] {3}, 1, Double.NaN, 2)), i(0), b(false), v(out), v(out));
    for (double x : values(out)) {
      assertThat(x).isNaN();
    }
    assertThatThrownBy(() -> call("aten::_softmax.out", v(tensor(ScalarType.HALF, new int[] {1}, 1)), i(0), b(true), v(empty(ScalarType.FLOAT, 1)), v(empty(ScalarType.FLOAT, 1))))
        .hasMessageContaining("half to float");
  }
}
