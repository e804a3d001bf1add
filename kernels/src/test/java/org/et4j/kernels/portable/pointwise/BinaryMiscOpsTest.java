package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class BinaryMiscOpsTest {
  static int[] s(int... x) {
    return x;
  }

  @Test
  void powOverloads() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), 2, 3, -2);
    TensorImpl e = tensor(ScalarType.FLOAT, s(3), 3, 0.5, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::pow.Tensor_Tensor_out", v(a), v(e), v(out), v(out));
    assertThat(values(out)[0]).isEqualTo(8);
    assertThat(values(out)[1]).isCloseTo(Math.sqrt(3), within(1e-6));
    assertThat(values(out)[2]).isEqualTo(4);
    call("aten::pow.Tensor_Scalar_out", v(a), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(4, 9, 4);
    call("aten::pow.Scalar_out", d(2), v(a), v(out), v(out));
    assertThat(values(out)).containsExactly(4, 8, 0.25);
    TensorImpl ints = tensor(ScalarType.INT, s(3), 2, 3, 10);
    TensorImpl io = empty(ScalarType.INT, 3);
    call("aten::pow.Tensor_Scalar_out", v(ints), i(3), v(io), v(io));
    assertThat(longValues(io)).containsExactly(8, 27, 1000);
    TensorImpl one = tensor(ScalarType.FLOAT, s(1), 1);
    TensorImpl o1 = empty(ScalarType.FLOAT, 1);
    call("aten::pow.Tensor_Scalar_out", v(one), d(Double.NaN), v(o1), v(o1));
    // C's pow(1, NaN) is 1.
    assertThat(values(o1)).containsExactly(1);
    TensorImpl bo = empty(ScalarType.BOOL, 3);
    TensorImpl bools = tensor(ScalarType.BOOL, s(3), 1, 0, 1);
    assertThatThrownBy(() -> call("aten::pow.Tensor_Tensor_out", v(bools), v(bools), v(bo), v(bo)))
        .isInstanceOf(ExecuTorchException.class);
    // A float exponent with an int tensor promotes to float: an int out is rejected.
    assertThatThrownBy(() -> call("aten::pow.Tensor_Scalar_out", v(ints), d(0.5), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void squareOverSizesIsExactlyXTimesX() {
    for (int n : new int[] {1, 7, 16, 17, 33}) {
      double[] x = new double[n];
      for (int k = 0; k < n; k++) {
        x[k] = (k - 5) * 1.37 + 0.001;
      }
      TensorImpl a = tensor(ScalarType.FLOAT, s(n), x);
      TensorImpl out = empty(ScalarType.FLOAT, n);
      call("aten::pow.Tensor_Scalar_out", v(a), i(2), v(out), v(out));
      for (int k = 0; k < n; k++) {
        float xf = (float) x[k];
        assertThat(values(out)[k]).isEqualTo((double) (xf * xf));
      }
    }
  }

  @Test
  void whereBroadcastsAllThree() {
    TensorImpl c = tensor(ScalarType.BOOL, s(2, 1), 1, 0);
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), 1, 2, 3);
    TensorImpl bb = tensor(ScalarType.FLOAT, s(), -1);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::where.self_out", v(c), v(a), v(bb), v(out), v(out));
    assertThat(values(out)).containsExactly(1, 2, 3, -1, -1, -1);
    TensorImpl ia = tensor(ScalarType.INT, s(2), 5, 6);
    TensorImpl ib = tensor(ScalarType.LONG, s(2), 7, 8);
    TensorImpl u8 = tensor(ScalarType.BYTE, s(2), 0, 200);
    TensorImpl lo = empty(ScalarType.LONG, 2);
    call("aten::where.self_out", v(u8), v(ia), v(ib), v(lo), v(lo));
    assertThat(longValues(lo)).containsExactly(7, 6);
    TensorImpl wrong = empty(ScalarType.INT, 2);
    assertThatThrownBy(() -> call("aten::where.self_out", v(u8), v(ia), v(ib), v(wrong), v(wrong)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void whereOverSizes() {
    for (int n : new int[] {1, 7, 8, 9, 16, 17, 33, 65}) {
      double[] x = new double[n];
      double[] y = new double[n];
      double[] m = new double[n];
      for (int k = 0; k < n; k++) {
        x[k] = k;
        y[k] = -k;
        m[k] = (k * 7 % 3 == 0) ? 1 : 0;
      }
      TensorImpl out = empty(ScalarType.FLOAT, n);
      call("aten::where.self_out", v(tensor(ScalarType.BOOL, s(n), m)), v(tensor(ScalarType.FLOAT, s(n), x)),
          v(tensor(ScalarType.FLOAT, s(n), y)), v(out), v(out));
      for (int k = 0; k < n; k++) {
        assertThat(values(out)[k]).isEqualTo(m[k] != 0 ? x[k] : y[k]);
      }
    }
  }

  @Test
  void maskedFill() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 2), 1, 2, 3, 4);
    TensorImpl m = tensor(ScalarType.BOOL, s(2), 0, 1);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2);
    call("aten::masked_fill.Scalar_out", v(a), v(m), d(Double.NEGATIVE_INFINITY), v(out), v(out));
    assertThat(values(out)).containsExactly(1, Double.NEGATIVE_INFINITY, 3, Double.NEGATIVE_INFINITY);
    TensorImpl ints = tensor(ScalarType.INT, s(2), 1, 2);
    TensorImpl io = empty(ScalarType.INT, 2);
    call("aten::masked_fill.Scalar_out", v(ints), v(tensor(ScalarType.BOOL, s(2), 1, 0)), d(-2.7), v(io), v(io));
    assertThat(longValues(io)).containsExactly(-2, 2);
    assertThatThrownBy(
            () -> call("aten::masked_fill.Scalar_out", v(ints), v(tensor(ScalarType.INT, s(2), 1, 0)), i(0), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void maskedFillBroadcastsSelfToTheMaskShape() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(1, 3), 1, 2, 3);
    TensorImpl m = tensor(ScalarType.BOOL, s(2, 3), 1, 0, 0, 0, 0, 1);
    TensorImpl out = org.et4j.kernels.testing.OpHarness.dynamicOut(ScalarType.FLOAT, 6, 1, 3);
    call("aten::masked_fill.Scalar_out", v(a), v(m), i(-7), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 3);
    assertThat(values(out)).containsExactly(-7, 2, 3, 1, 2, -7);
    TensorImpl h = tensor(ScalarType.HALF, s(2), 1, 2);
    TensorImpl ho = empty(ScalarType.HALF, 2);
    call("aten::masked_fill.Scalar_out", v(h), v(tensor(ScalarType.BOOL, s(), 1)), d(0.1), v(ho), v(ho));
    assertThat(values(ho)[0]).isEqualTo((double) Float.float16ToFloat(Float.floatToFloat16(0.1f)));
  }

  @Test
  void maximumMinimumPropagateNan() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), 1, Double.NaN, 5);
    TensorImpl c = tensor(ScalarType.FLOAT, s(3), 2, 0, Double.NaN);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::maximum.out", v(a), v(c), v(out), v(out));
    assertThat(values(out)[0]).isEqualTo(2);
    assertThat(values(out)[1]).isNaN();
    assertThat(values(out)[2]).isNaN();
    call("aten::minimum.out", v(a), v(c), v(out), v(out));
    assertThat(values(out)[0]).isEqualTo(1);
    TensorImpl x = longTensor(s(2), Long.MIN_VALUE, 3);
    TensorImpl y = tensor(ScalarType.INT, s(), 0);
    TensorImpl lo = empty(ScalarType.LONG, 2);
    call("aten::maximum.out", v(x), v(y), v(lo), v(lo));
    assertThat(longValues(lo)).containsExactly(0, 3);
  }

  @Test
  void remainderFollowsExecuTorch() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(4), 5, -5, 5, -5);
    TensorImpl c = tensor(ScalarType.FLOAT, s(4), 3, 3, -3, -3);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    call("aten::remainder.Tensor_out", v(a), v(c), v(out), v(out));
    assertThat(values(out)).containsExactly(2, 1, -1, -2);
    TensorImpl ia = tensor(ScalarType.INT, s(4), 5, -5, 5, -5);
    TensorImpl ic = tensor(ScalarType.INT, s(4), 3, 3, -3, -3);
    TensorImpl io = empty(ScalarType.INT, 4);
    call("aten::remainder.Tensor_out", v(ia), v(ic), v(io), v(io));
    // ExecuTorch's integer remainder is C's % (sign of the dividend), unlike PyTorch.
    assertThat(longValues(io)).containsExactly(2, -2, 2, -2);
    call("aten::remainder.Scalar_out", v(ia), i(2), v(io), v(io));
    assertThat(longValues(io)).containsExactly(1, -1, 1, -1);
    assertThatThrownBy(() -> call("aten::remainder.Scalar_out", v(ia), i(0), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
    TensorImpl zeros = tensor(ScalarType.INT, s(4), 1, 1, 0, 1);
    assertThatThrownBy(() -> call("aten::remainder.Tensor_out", v(ia), v(zeros), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("division by zero");
    call("aten::remainder.Scalar_out", v(a), d(2.5), v(out), v(out));
    // fmod(-5, 2.5) is -0.0, and ExecuTorch adds b only for a non-zero remainder.
    assertThat(values(out)).containsExactly(0.0, -0.0, 0.0, -0.0);
  }

  @Test
  void fmodAndFloorDivide() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(4), 5, -5, 5, -5);
    TensorImpl c = tensor(ScalarType.FLOAT, s(4), 3, 3, -3, -3);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    call("aten::fmod.Tensor_out", v(a), v(c), v(out), v(out));
    assertThat(values(out)).containsExactly(2, -2, 2, -2);
    call("aten::fmod.Scalar_out", v(a), d(-3), v(out), v(out));
    assertThat(values(out)).containsExactly(2, -2, 2, -2);
    call("aten::floor_divide.out", v(a), v(c), v(out), v(out));
    assertThat(values(out)).containsExactly(1, -2, -2, 1);
    TensorImpl ia = tensor(ScalarType.INT, s(2), 7, -7);
    TensorImpl ic = tensor(ScalarType.INT, s(2), 0, 2);
    TensorImpl io = empty(ScalarType.INT, 2);
    assertThatThrownBy(() -> call("aten::floor_divide.out", v(ia), v(ic), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
    assertThatThrownBy(() -> call("aten::fmod.Tensor_out", v(ia), v(ic), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
    assertThatThrownBy(() -> call("aten::fmod.Scalar_out", v(ia), i(0), v(io), v(io)))
        .isInstanceOf(ExecuTorchException.class);
    call("aten::fmod.Scalar_out", v(ia), i(4), v(io), v(io));
    assertThat(longValues(io)).containsExactly(3, -3);
    TensorImpl ib = tensor(ScalarType.INT, s(2), 2, 2);
    call("aten::floor_divide.out", v(ia), v(ib), v(io), v(io));
    assertThat(longValues(io)).containsExactly(3, -4);
  }

  @Test
  void atan2() {
    TensorImpl y = tensor(ScalarType.INT, s(3), 1, -1, 0);
    TensorImpl x = tensor(ScalarType.INT, s(3), 1, 1, -1);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::atan2.out", v(y), v(x), v(out), v(out));
    assertThat(values(out)[0]).isCloseTo(Math.PI / 4, within(1e-7));
    assertThat(values(out)[1]).isCloseTo(-Math.PI / 4, within(1e-7));
    assertThat(values(out)[2]).isCloseTo(Math.PI, within(1e-6));
  }

  @Test
  void boolScalarDoesNotPromote() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2), 1, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call("aten::mul.Scalar_out", v(a), b(true), v(out), v(out));
    assertThat(values(out)).containsExactly(1, 2);
  }
}
