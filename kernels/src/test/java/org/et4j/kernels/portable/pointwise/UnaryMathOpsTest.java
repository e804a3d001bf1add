package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class UnaryMathOpsTest {
  static int[] s(int... x) {
    return x;
  }

  /** Reference functions, with inputs inside each domain. */
  static final Map<String, DoubleUnaryOperator> REFERENCE =
      Map.ofEntries(
          Map.entry("acos", Math::acos),
          Map.entry("asin", Math::asin),
          Map.entry("atan", Math::atan),
          Map.entry("atanh", x -> 0.5 * Math.log((1 + x) / (1 - x))),
          Map.entry("cos", Math::cos),
          Map.entry("cosh", Math::cosh),
          Map.entry("exp", Math::exp),
          Map.entry("expm1", Math::expm1),
          Map.entry("sin", Math::sin),
          Map.entry("sinh", Math::sinh),
          Map.entry("tan", Math::tan),
          Map.entry("tanh", Math::tanh),
          Map.entry("asinh", x -> Math.log(x + Math.sqrt(x * x + 1))),
          Map.entry("erf", UnaryMathOpsTest::erfReference));

  /** Abramowitz and Stegun 7.1.26 is too coarse; a long Taylor series at these small inputs. */
  static double erfReference(double x) {
    double sum = 0;
    double term = x;
    for (int n = 0; n < 80; n++) {
      sum += term / (2 * n + 1);
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  @Test
  void unitIntervalFunctionsInFloatAndDouble() {
    double[] x = {-0.9, -0.5, -0.1, 0, 0.2, 0.7, 0.95};
    for (var e : REFERENCE.entrySet()) {
      for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
        TensorImpl a = tensor(t, s(x.length), x);
        TensorImpl out = empty(t, x.length);
        call("aten::" + e.getKey() + ".out", v(a), v(out), v(out));
        double[] r = values(out);
        for (int k = 0; k < x.length; k++) {
          double xk = t == ScalarType.FLOAT ? (float) x[k] : x[k];
          double expected = e.getValue().applyAsDouble(xk);
          double tol = t == ScalarType.FLOAT ? 2e-7 * Math.max(1, Math.abs(expected)) : 1e-14 * Math.max(1, Math.abs(expected));
          assertThat(r[k]).as("%s(%s) in %s", e.getKey(), xk, t).isCloseTo(expected, within(tol));
        }
      }
    }
  }

  @Test
  void positiveDomainFunctions() {
    double[] x = {1, 1.5, 2, 10, 1e-3, 1e6};
    Map<String, DoubleUnaryOperator> ref =
        Map.of(
            "log", Math::log,
            "log10", Math::log10,
            "log1p", Math::log1p,
            "log2", y -> Math.log(y) / Math.log(2),
            "sqrt", Math::sqrt,
            "rsqrt", y -> 1 / Math.sqrt(y),
            "reciprocal", y -> 1 / y,
            "acosh", y -> y < 1 ? Double.NaN : Math.log(y + Math.sqrt(y * y - 1)));
    for (var e : ref.entrySet()) {
      TensorImpl a = tensor(ScalarType.DOUBLE, s(x.length), x);
      TensorImpl out = empty(ScalarType.DOUBLE, x.length);
      call("aten::" + e.getKey() + ".out", v(a), v(out), v(out));
      for (int k = 0; k < x.length; k++) {
        double expected = e.getValue().applyAsDouble(x[k]);
        if (Double.isNaN(expected)) {
          assertThat(values(out)[k]).isNaN();
          continue;
        }
        assertThat(values(out)[k]).as("%s(%s)", e.getKey(), x[k]).isCloseTo(expected, within(1e-13 * Math.max(1, Math.abs(expected))));
      }
    }
  }

  @Test
  void integerAndBoolInputsGiveFloatOutputs() {
    TensorImpl a = tensor(ScalarType.INT, s(3), 0, 1, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::sqrt.out", v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 1, 2);
    TensorImpl b = tensor(ScalarType.BOOL, s(2), 0, 1);
    TensorImpl h = empty(ScalarType.HALF, 2);
    call("aten::exp.out", v(b), v(h), v(h));
    assertThat(values(h)[0]).isEqualTo(1);
    assertThat(values(h)[1]).isCloseTo(Math.E, within(2e-3));
    TensorImpl io = empty(ScalarType.INT, 3);
    assertThatThrownBy(() -> call("aten::sqrt.out", v(a), v(io), v(io))).isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void specialValues() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(4), -1, 0, Double.POSITIVE_INFINITY, Double.NaN);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    call("aten::log.out", v(a), v(out), v(out));
    double[] r = values(out);
    assertThat(r[0]).isNaN();
    assertThat(r[1]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(r[2]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(r[3]).isNaN();
    call("aten::rsqrt.out", v(a), v(out), v(out));
    assertThat(values(out)[1]).isEqualTo(Double.POSITIVE_INFINITY);
    call("aten::reciprocal.out", v(a), v(out), v(out));
    assertThat(values(out)[0]).isEqualTo(-1);
    call("aten::atanh.out", v(tensor(ScalarType.FLOAT, s(4), 1, -1, 2, 0)), v(out), v(out));
    assertThat(values(out)).startsWith(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    assertThat(values(out)[2]).isNaN();
    call("aten::erf.out", v(tensor(ScalarType.FLOAT, s(4), 3, -3, 10, -0.0)), v(out), v(out));
    assertThat(values(out)[0]).isCloseTo(0.9999779095, within(1e-7));
    assertThat(values(out)[1]).isCloseTo(-0.9999779095, within(1e-7));
    assertThat(values(out)[2]).isEqualTo(1.0);
  }

  @Test
  void ceilFloorTruncRound() {
    double[] x = {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.7};
    TensorImpl a = tensor(ScalarType.FLOAT, s(x.length), x);
    TensorImpl out = empty(ScalarType.FLOAT, x.length);
    call("aten::ceil.out", v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(-2, -1, -0.0, 1, 2, 3, 3, -2);
    call("aten::floor.out", v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(-3, -2, -1, 0, 1, 2, 2, -3);
    call("aten::trunc.out", v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(-2, -1, -0.0, 0, 1, 2, 2, -2);
    call("aten::round.out", v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(-2, -2, -0.0, 0, 2, 2, 3, -3);
    TensorImpl ints = longTensor(s(2), 16777217, -3);
    TensorImpl io = empty(ScalarType.LONG, 2);
    call("aten::round.out", v(ints), v(io), v(io));
    assertThat(longValues(io)).containsExactly(16777217, -3);
    // ExecuTorch floors integers through float32.
    call("aten::floor.out", v(ints), v(io), v(io));
    assertThat(longValues(io)).containsExactly(16777216, -3);
  }

  @Test
  void isnanIsinfWriteBool() {
    TensorImpl a = tensor(ScalarType.HALF, s(4), 1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    TensorImpl out = empty(ScalarType.BOOL, 4);
    call("aten::isnan.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 0, 0);
    call("aten::isinf.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 0, 1, 1);
    TensorImpl fo = empty(ScalarType.FLOAT, 4);
    assertThatThrownBy(() -> call("aten::isnan.out", v(a), v(fo), v(fo))).isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void logitWithAndWithoutEps() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), 0.5, 0.0, 0.75);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::logit.out", v(a), none(), v(out), v(out));
    assertThat(values(out)[0]).isEqualTo(0);
    assertThat(values(out)[1]).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(values(out)[2]).isCloseTo(Math.log(3), within(1e-6));
    call("aten::logit.out", v(a), d(0.25), v(out), v(out));
    assertThat(values(out)[1]).isCloseTo(Math.log(1.0 / 3), within(1e-6));
  }

  @Test
  void negAbsSign() {
    TensorImpl a = tensor(ScalarType.INT, s(4), Integer.MIN_VALUE, -3, 0, 7);
    TensorImpl out = empty(ScalarType.INT, 4);
    call("aten::neg.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(Integer.MIN_VALUE, 3, 0, -7);
    call("aten::abs.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(Integer.MIN_VALUE, 3, 0, 7);
    call("aten::sign.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(-1, -1, 0, 1);
    TensorImpl f = tensor(ScalarType.FLOAT, s(4), -0.0, Double.NaN, -2, 3);
    TensorImpl fo = empty(ScalarType.FLOAT, 4);
    call("aten::sign.out", v(f), v(fo), v(fo));
    assertThat(values(fo)[0]).isEqualTo(0.0);
    assertThat(values(fo)[1]).isNaN();
    assertThat(values(fo)).endsWith(-1, 1);
    call("aten::abs.out", v(f), v(fo), v(fo));
    // ExecuTorch's abs is x < 0 ? -x : x, which keeps -0.0.
    assertThat(Double.doubleToRawLongBits(values(fo)[0])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    TensorImpl b = tensor(ScalarType.BOOL, s(2), 0, 1);
    TensorImpl bo = empty(ScalarType.BOOL, 2);
    call("aten::sign.out", v(b), v(bo), v(bo));
    assertThat(longValues(bo)).containsExactly(0, 1);
    assertThatThrownBy(() -> call("aten::neg.out", v(b), v(bo), v(bo))).isInstanceOf(ExecuTorchException.class);
  }
}
