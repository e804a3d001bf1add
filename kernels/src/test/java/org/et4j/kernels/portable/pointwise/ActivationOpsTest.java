package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class ActivationOpsTest {
  static int[] s(int... x) {
    return x;
  }

  static Value str(String x) {
    Value v = new Value();
    v.setString(x);
    return v;
  }

  static double[] ramp(int n) {
    double[] x = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = (k - n / 2) * 0.37;
    }
    return x;
  }

  @Test
  void reluKeepsNanAndNegativeZero() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(5), -1, 0, 2, Double.NaN, -0.0);
    TensorImpl out = empty(ScalarType.FLOAT, 5);
    call("aten::relu.out", v(a), v(out), v(out));
    double[] r = values(out);
    assertThat(r[0]).isEqualTo(0.0);
    assertThat(r[2]).isEqualTo(2.0);
    assertThat(r[3]).isNaN();
    assertThat(Double.doubleToRawLongBits(r[4])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    TensorImpl ints = tensor(ScalarType.INT, s(3), -5, 0, 5);
    TensorImpl io = empty(ScalarType.INT, 3);
    call("aten::relu.out", v(ints), v(io), v(io));
    assertThat(longValues(io)).containsExactly(0, 0, 5);
    TensorImpl bf = tensor(ScalarType.BFLOAT16, s(2), -1, 3);
    TensorImpl bo = empty(ScalarType.BFLOAT16, 2);
    call("aten::relu.out", v(bf), v(bo), v(bo));
    assertThat(values(bo)).containsExactly(0, 3);
  }

  @Test
  void reluRejectsBoolAndMixedDtypes() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2), 1, 2);
    TensorImpl out = empty(ScalarType.DOUBLE, 2);
    assertThatThrownBy(() -> call("aten::relu.out", v(a), v(out), v(out))).isInstanceOf(ExecuTorchException.class);
    TensorImpl b = tensor(ScalarType.BOOL, s(2), 1, 0);
    TensorImpl bo = empty(ScalarType.BOOL, 2);
    assertThatThrownBy(() -> call("aten::relu.out", v(b), v(bo), v(bo))).isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void sigmoidOverSizesAndDtypes() {
    for (int n : new int[] {1, 7, 17, 33, 65}) {
      double[] x = ramp(n);
      TensorImpl a = tensor(ScalarType.FLOAT, s(n), x);
      TensorImpl out = empty(ScalarType.FLOAT, n);
      call("aten::sigmoid.out", v(a), v(out), v(out));
      double[] r = values(out);
      for (int k = 0; k < n; k++) {
        assertThat(r[k]).isCloseTo(1 / (1 + Math.exp(-x[k])), within(1e-6));
      }
    }
    TensorImpl ints = tensor(ScalarType.LONG, s(2), 0, 2);
    TensorImpl h = empty(ScalarType.HALF, 2);
    call("aten::sigmoid.out", v(ints), v(h), v(h));
    assertThat(values(h)[0]).isEqualTo(0.5);
    assertThat(values(h)[1]).isCloseTo(0.8808, within(1e-3));
    TensorImpl io = empty(ScalarType.INT, 2);
    assertThatThrownBy(() -> call("aten::sigmoid.out", v(ints), v(io), v(io))).isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void tanhAndExpOverSizes() {
    for (int n : new int[] {1, 9, 16, 31, 63}) {
      double[] x = ramp(n);
      TensorImpl a = tensor(ScalarType.FLOAT, s(n), x);
      TensorImpl t = empty(ScalarType.FLOAT, n);
      TensorImpl e = empty(ScalarType.FLOAT, n);
      call("aten::tanh.out", v(a), v(t), v(t));
      call("aten::exp.out", v(a), v(e), v(e));
      for (int k = 0; k < n; k++) {
        float xf = (float) x[k];
        assertThat(values(t)[k]).isCloseTo(Math.tanh(xf), within(1e-6));
        assertThat(values(e)[k]).isCloseTo(Math.exp(xf), within(2e-7 * Math.exp(xf)));
      }
    }
  }

  @Test
  void geluNoneAndTanh() {
    double[] x = {-3, -1, -0.5, 0, 0.5, 1, 3, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY};
    double[] exact = {-0.0040496, -0.1586553, -0.1542687, 0, 0.3457313, 0.8413447, 2.9959504, 0, Double.POSITIVE_INFINITY};
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      TensorImpl a = tensor(t, s(x.length), x);
      TensorImpl out = empty(t, x.length);
      call("aten::gelu.out", v(a), str("none"), v(out), v(out));
      double[] r = values(out);
      for (int k = 0; k < x.length; k++) {
        if (Double.isInfinite(exact[k])) {
          assertThat(r[k]).isEqualTo(exact[k]);
        } else {
          assertThat(r[k]).as("%s gelu(%s)", t, x[k]).isCloseTo(exact[k], within(2e-6));
        }
      }
      call("aten::gelu.out", v(a), str("tanh"), v(out), v(out));
      r = values(out);
      for (int k = 0; k < x.length; k++) {
        if (Double.isInfinite(exact[k])) {
          assertThat(r[k]).isEqualTo(exact[k]);
        } else {
          assertThat(r[k]).isCloseTo(exact[k], within(1e-3));
        }
      }
    }
    TensorImpl a = tensor(ScalarType.FLOAT, s(1), 1);
    TensorImpl out = empty(ScalarType.FLOAT, 1);
    assertThatThrownBy(() -> call("aten::gelu.out", v(a), str("sigmoid"), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void geluOverSizesMatchesDoubleReference() {
    for (int n : new int[] {3, 8, 17, 33, 65}) {
      double[] x = ramp(n);
      TensorImpl a = tensor(ScalarType.FLOAT, s(n), x);
      TensorImpl out = empty(ScalarType.FLOAT, n);
      call("aten::gelu.out", v(a), str("none"), v(out), v(out));
      TensorImpl ad = tensor(ScalarType.DOUBLE, s(n), x);
      TensorImpl od = empty(ScalarType.DOUBLE, n);
      call("aten::gelu.out", v(ad), str("none"), v(od), v(od));
      for (int k = 0; k < n; k++) {
        assertThat(values(out)[k]).isCloseTo(values(od)[k], within(2e-6 * (1 + Math.abs(values(od)[k]))));
      }
    }
  }

  @Test
  void hardtanhAndClamp() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(5), -3, -0.5, 0.5, 3, Double.NaN);
    TensorImpl out = empty(ScalarType.FLOAT, 5);
    call("aten::hardtanh.out", v(a), i(-1), i(1), v(out), v(out));
    double[] r = values(out);
    assertThat(r).startsWith(-1, -0.5, 0.5, 1);
    assertThat(r[4]).isNaN();
    call("aten::clamp.out", v(a), d(0), none(), v(out), v(out));
    assertThat(values(out)).startsWith(0, 0, 0.5, 3);
    call("aten::clamp.out", v(a), none(), d(0.25), v(out), v(out));
    assertThat(values(out)).startsWith(-3, -0.5, 0.25, 0.25);
    assertThatThrownBy(() -> call("aten::clamp.out", v(a), none(), none(), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class);
    TensorImpl bytes = tensor(ScalarType.CHAR, s(3), -100, 0, 100);
    TensorImpl bo = empty(ScalarType.CHAR, 3);
    call("aten::clamp.out", v(bytes), i(-10), i(10), v(bo), v(bo));
    assertThat(longValues(bo)).containsExactly(-10, 0, 10);
    assertThatThrownBy(() -> call("aten::clamp.out", v(bytes), i(-1000), none(), v(bo), v(bo)))
        .isInstanceOf(ExecuTorchException.class);
    // A double bound with an int tensor promotes to float: out must be float.
    assertThatThrownBy(() -> call("aten::clamp.out", v(bytes), d(0.5), none(), v(bo), v(bo)))
        .isInstanceOf(ExecuTorchException.class);
    assertThatThrownBy(() -> call("aten::hardtanh.out", v(bytes), i(-1000), i(1), v(bo), v(bo)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void clampOverSizesMatchesReference() {
    for (int n : new int[] {1, 15, 16, 17, 65}) {
      double[] x = ramp(n);
      TensorImpl a = tensor(ScalarType.FLOAT, s(n), x);
      TensorImpl out = empty(ScalarType.FLOAT, n);
      call("aten::clamp.out", v(a), d(-1), d(1.5), v(out), v(out));
      for (int k = 0; k < n; k++) {
        assertThat(values(out)[k]).isEqualTo((double) Math.min(Math.max((float) x[k], -1f), 1.5f));
      }
    }
  }

  @Test
  void clampTensorBroadcastsBounds() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 3), -5, 0, 5, -5, 0, 5);
    TensorImpl lo = tensor(ScalarType.FLOAT, s(3), -1, 1, -1);
    TensorImpl hi = tensor(ScalarType.INT, s(2, 1), 2, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::clamp.Tensor_out", v(a), v(lo), v(hi), v(out), v(out));
    assertThat(values(out)).containsExactly(-1, 1, 2, -1, 1, 4);
    call("aten::clamp.Tensor_out", v(a), none(), v(hi), v(out), v(out));
    assertThat(values(out)).containsExactly(-5, 0, 2, -5, 0, 4);
  }

  @Test
  void leakyReluAndElu() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), -2, 0, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::leaky_relu.out", v(a), d(0.1), v(out), v(out));
    assertThat(values(out)[0]).isCloseTo(-0.2, within(1e-7));
    assertThat(values(out)).endsWith(0, 3);
    call("aten::elu.out", v(a), d(1.0), i(1), i(1), v(out), v(out));
    assertThat(values(out)[0]).isCloseTo(Math.expm1(-2), within(1e-7));
    assertThat(values(out)).endsWith(0, 3);
    call("aten::elu.out", v(a), d(2.0), d(0.5), i(2), v(out), v(out));
    assertThat(values(out)[0]).isCloseTo(Math.expm1(-4) * 1.0, within(1e-7));
    assertThat(values(out)[2]).isEqualTo(1.5);
    TensorImpl ints = tensor(ScalarType.INT, s(1), 1);
    TensorImpl io = empty(ScalarType.INT, 1);
    assertThatThrownBy(() -> call("aten::leaky_relu.out", v(ints), d(0.1), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void gluSplitsAlongDim() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 4), 1, 2, 0, 100, 3, 4, -100, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2);
    call("aten::glu.out", v(a), i(-1), v(out), v(out));
    double[] r = values(out);
    assertThat(r[0]).isCloseTo(0.5, within(1e-7));
    assertThat(r[1]).isCloseTo(2.0, within(1e-6));
    assertThat(r[2]).isCloseTo(0.0, within(1e-7));
    assertThat(r[3]).isCloseTo(2.0, within(1e-7));
    TensorImpl o0 = empty(ScalarType.DOUBLE, 1, 4);
    call("aten::glu.out", v(a), i(0), v(o0), v(o0));
    assertThat(values(o0)[0]).isCloseTo(1 / (1 + Math.exp(-3)), within(1e-7));
    TensorImpl odd = tensor(ScalarType.FLOAT, s(3), 1, 2, 3);
    TensorImpl oo = empty(ScalarType.FLOAT, 1);
    assertThatThrownBy(() -> call("aten::glu.out", v(odd), i(0), v(oo), v(oo))).isInstanceOf(ExecuTorchException.class);
  }
}
