package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.portable.nn.NnTestTensors.at;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/**
 * {@code mm}, {@code bmm}, {@code addmm} and {@code linear}, called by name through the registry,
 * against products computed here in double.
 */
class MatrixOpsTest {
  private static final int[][] SHAPES = {{1, 1, 1}, {3, 5, 7}, {9, 33, 17}, {17, 16, 65}, {8, 32, 3}};
  private final NnTestTensors data = new NnTestTensors(7);

  /** {@code alpha * a @ b} (b transposed when {@code tb}) for 2-D tensors. */
  private static double[] product(TensorImpl a, TensorImpl b, boolean tb, double alpha) {
    int m = a.size(0);
    int k = a.size(1);
    int n = tb ? b.size(0) : b.size(1);
    double[] r = new double[m * n];
    for (int x = 0; x < m; x++) {
      for (int y = 0; y < n; y++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += at(a, x, p) * (tb ? at(b, y, p) : at(b, p, y));
        }
        r[x * n + y] = alpha * s;
      }
    }
    return r;
  }

  private static double tol(ScalarType t, int k) {
    return switch (t) {
      case HALF -> 2e-3 * (k + 1);
      case BFLOAT16 -> 1.6e-2 * (k + 1);
      case DOUBLE -> 1e-12 * (k + 1);
      default -> 2e-6 * (k + 1);
    };
  }

  @Test
  void mmMatchesTheDefinition() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF}) {
      for (int[] s : SHAPES) {
        TensorImpl a = data.random(t, s[0], s[2]);
        TensorImpl b = data.random(t, s[2], s[1]);
        TensorImpl out = dynamicOut(t, (long) s[0] * s[1], 1, 1);
        call("aten::mm.out", v(a), v(b), v(out), v(out));
        assertThat(out.sizes()).containsExactly(s[0], s[1]);
        NnTestTensors.assertClose("mm " + t, out, product(a, b, false, 1), tol(t, s[2]));
      }
    }
  }

  @Test
  void mmOfIntegersIsExact() {
    TensorImpl a = data.random(ScalarType.INT, 3, 4);
    TensorImpl b = data.random(ScalarType.INT, 4, 2);
    TensorImpl out = OpHarness.empty(ScalarType.INT, 3, 2);
    call("aten::mm.out", v(a), v(b), v(out), v(out));
    NnTestTensors.assertClose("mm int", out, product(a, b, false, 1), 0);
  }

  @Test
  void mmRejectsMismatchedShapesNamingThem() {
    TensorImpl a = data.random(ScalarType.FLOAT, 2, 3);
    TensorImpl b = data.random(ScalarType.FLOAT, 4, 2);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 2, 2);
    assertThatThrownBy(() -> call("aten::mm.out", v(a), v(b), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("aten::mm.out")
        .hasMessageContaining("[2, 3]")
        .hasMessageContaining("[4, 2]");
  }

  @Test
  void bmmMultipliesEachBatch() {
    for (int[] s : new int[][] {{2, 3, 4, 5}, {3, 9, 17, 33}}) {
      TensorImpl a = data.random(ScalarType.FLOAT, s[0], s[1], s[2]);
      TensorImpl b = data.random(ScalarType.FLOAT, s[0], s[2], s[3]);
      TensorImpl out = dynamicOut(ScalarType.FLOAT, (long) s[0] * s[1] * s[3], 1, 1, 1);
      call("aten::bmm.out", v(a), v(b), v(out), v(out));
      double[] expected = new double[s[0] * s[1] * s[3]];
      for (int q = 0; q < s[0]; q++) {
        for (int x = 0; x < s[1]; x++) {
          for (int y = 0; y < s[3]; y++) {
            double sum = 0;
            for (int p = 0; p < s[2]; p++) {
              sum += at(a, q, x, p) * at(b, q, p, y);
            }
            expected[(q * s[1] + x) * s[3] + y] = sum;
          }
        }
      }
      NnTestTensors.assertClose("bmm", out, expected, tol(ScalarType.FLOAT, s[2]));
    }
    TensorImpl a = data.random(ScalarType.FLOAT, 2, 3, 4);
    TensorImpl b = data.random(ScalarType.FLOAT, 3, 4, 5);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 2, 3, 5);
    assertThatThrownBy(() -> call("aten::bmm.out", v(a), v(b), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::bmm.out")
        .hasMessageContaining("[3, 4, 5]");
  }

  @Test
  void addmmBroadcastsSelfAndScales() {
    int m = 9;
    int n = 33;
    int k = 7;
    int[][] selfShapes = {{m, n}, {n}, {1, n}, {m, 1}, {1}, {}};
    double[][] betaAlpha = {{1, 1}, {0.5, 2}, {0, 1.5}, {-1, 0}};
    for (int[] ss : selfShapes) {
      for (double[] ba : betaAlpha) {
        TensorImpl self = data.random(ScalarType.FLOAT, ss);
        TensorImpl a = data.random(ScalarType.FLOAT, m, k);
        TensorImpl b = data.random(ScalarType.FLOAT, k, n);
        TensorImpl out = OpHarness.empty(ScalarType.FLOAT, m, n);
        call("aten::addmm.out", v(self), v(a), v(b), d(ba[0]), d(ba[1]), v(out), v(out));
        double[] expected = product(a, b, false, ba[1]);
        for (int x = 0; x < m; x++) {
          for (int y = 0; y < n; y++) {
            double sv =
                switch (ss.length) {
                  case 0 -> at(self);
                  case 1 -> at(self, ss[0] == 1 ? 0 : y);
                  default -> at(self, ss[0] == 1 ? 0 : x, ss[1] == 1 ? 0 : y);
                };
            expected[x * n + y] += ba[0] * sv;
          }
        }
        NnTestTensors.assertClose(
            "addmm self " + java.util.Arrays.toString(ss) + " beta/alpha " + java.util.Arrays.toString(ba),
            out, expected, tol(ScalarType.FLOAT, k));
      }
    }
  }

  @Test
  void addmmWithBetaZeroIgnoresNaNInSelfAndTakesIntScalars() {
    TensorImpl self = OpHarness.tensor(ScalarType.FLOAT, new int[] {2}, Double.NaN, Double.NaN);
    TensorImpl a = data.random(ScalarType.FLOAT, 3, 4);
    TensorImpl b = data.random(ScalarType.FLOAT, 4, 2);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 3, 2);
    call("aten::addmm.out", v(self), v(a), v(b), i(0), i(2), v(out), v(out));
    NnTestTensors.assertClose("addmm", out, product(a, b, false, 2), 1e-5);
  }

  @Test
  void addmmRejectsSelfThatDoesNotBroadcast() {
    TensorImpl self = data.random(ScalarType.FLOAT, 4);
    TensorImpl a = data.random(ScalarType.FLOAT, 3, 4);
    TensorImpl b = data.random(ScalarType.FLOAT, 4, 2);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 3, 2);
    assertThatThrownBy(() -> call("aten::addmm.out", v(self), v(a), v(b), i(1), i(1), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::addmm.out")
        .hasMessageContaining("float32[4]");
  }

  @Test
  void linearIsInputTimesWeightTransposedPlusBias() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      for (int[] s : SHAPES) {
        int rows = s[0];
        int n = s[1];
        int k = s[2];
        TensorImpl x = data.random(t, rows, k);
        TensorImpl w = data.random(t, n, k);
        for (boolean withBias : new boolean[] {true, false}) {
          TensorImpl bias = withBias ? data.random(t, n) : null;
          TensorImpl out = dynamicOut(t, (long) rows * n, 1, 1);
          call("aten::linear.out", v(x), v(w), bias == null ? none() : v(bias), v(out), v(out));
          double[] expected = product(x, w, true, 1);
          if (bias != null) {
            for (int q = 0; q < expected.length; q++) {
              expected[q] += at(bias, q % n);
            }
          }
          assertThat(out.sizes()).containsExactly(rows, n);
          NnTestTensors.assertClose("linear " + t, out, expected, tol(t, k));
        }
      }
    }
  }

  @Test
  void linearKeepsLeadingDims() {
    TensorImpl x = data.random(ScalarType.FLOAT, 2, 3, 5);
    TensorImpl w = data.random(ScalarType.FLOAT, 4, 5);
    TensorImpl bias = data.random(ScalarType.FLOAT, 4);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 24, 1, 1, 1);
    call("aten::linear.out", v(x), v(w), v(bias), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 3, 4);
    double[] expected = new double[24];
    for (int q = 0; q < 6; q++) {
      for (int o = 0; o < 4; o++) {
        double s = at(bias, o);
        for (int p = 0; p < 5; p++) {
          s += at(x, q / 3, q % 3, p) * at(w, o, p);
        }
        expected[q * 4 + o] = s;
      }
    }
    NnTestTensors.assertClose("linear 3-D", out, expected, 1e-5);
    TensorImpl bad = data.random(ScalarType.FLOAT, 4, 6);
    assertThatThrownBy(() -> call("aten::linear.out", v(x), v(bad), none(), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::linear.out")
        .hasMessageContaining("[4, 6]");
  }

  @Test
  void everyOpIsRegistered() {
    for (String op : new String[] {
        "aten::mm.out", "aten::bmm.out", "aten::addmm.out", "aten::linear.out",
        "aten::convolution.out", "aten::avg_pool2d.out", "aten::max_pool2d_with_indices.out",
        "aten::_adaptive_avg_pool2d.out"}) {
      assertThat(OpHarness.registry().contains(op)).as(op).isTrue();
    }
  }
}
