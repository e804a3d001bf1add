package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class ArithmeticOpsTest {
  static int[] s(int... x) {
    return x;
  }

  static Value str(String x) {
    Value v = new Value();
    v.setString(x);
    return v;
  }

  @Test
  void addSameShapeFloat() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 3), 1, 2, 3, 4, 5, 6);
    TensorImpl b = tensor(ScalarType.FLOAT, s(2, 3), 10, 20, 30, 40, 50, 60);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(values(out)).containsExactly(11, 22, 33, 44, 55, 66);
    call("aten::add.out", v(a), v(b), d(0.5), v(out), v(out));
    assertThat(values(out)).containsExactly(6, 12, 18, 24, 30, 36);
  }

  @Test
  void addBroadcastsRowAndColumn() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 1), 1, 2);
    TensorImpl b = tensor(ScalarType.FLOAT, s(3), 10, 20, 30);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(values(out)).containsExactly(11, 21, 31, 12, 22, 32);
  }

  @Test
  void addScalarTensorBroadcastUsesFastPathResult() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(5), 1, 2, 3, 4, 5);
    TensorImpl b = tensor(ScalarType.FLOAT, s(), 0.5);
    TensorImpl out = empty(ScalarType.FLOAT, 5);
    call("aten::add.out", v(a), v(b), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(2, 3, 4, 5, 6);
    call("aten::sub.out", v(a), v(b), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void addPromotesIntAndFloatAndWritesDouble() {
    TensorImpl a = tensor(ScalarType.INT, s(3), 1, 2, 3);
    TensorImpl b = tensor(ScalarType.FLOAT, s(3), 0.25, 0.5, 0.75);
    TensorImpl out = empty(ScalarType.DOUBLE, 3);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(values(out)).containsExactly(1.25, 2.5, 3.75);
  }

  @Test
  void addFloatIntoIntOutIsRejected() {
    TensorImpl a = tensor(ScalarType.INT, s(1), 1);
    TensorImpl b = tensor(ScalarType.FLOAT, s(1), 1);
    TensorImpl out = empty(ScalarType.INT, 1);
    assertThatThrownBy(() -> call("aten::add.out", v(a), v(b), i(1), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("add.out");
  }

  @Test
  void addIntWrapsOnOverflow() {
    TensorImpl a = tensor(ScalarType.INT, s(2), Integer.MAX_VALUE, -5);
    TensorImpl b = tensor(ScalarType.INT, s(2), 1, 3);
    TensorImpl out = empty(ScalarType.INT, 2);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(Integer.MIN_VALUE, -2);
    TensorImpl x = longTensor(s(1), Long.MAX_VALUE);
    TensorImpl o = empty(ScalarType.LONG, 1);
    call("aten::add.Scalar_out", v(x), i(1), i(1), v(o), v(o));
    assertThat(longValues(o)).containsExactly(Long.MIN_VALUE);
  }

  @Test
  void addInt8ComputesInInt8ThenWidens() {
    TensorImpl a = tensor(ScalarType.CHAR, s(1), 100);
    TensorImpl b = tensor(ScalarType.CHAR, s(1), 100);
    TensorImpl out = empty(ScalarType.INT, 1);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(-56);
  }

  @Test
  void addBoolIsLogicalOr() {
    TensorImpl a = tensor(ScalarType.BOOL, s(4), 0, 0, 1, 1);
    TensorImpl b = tensor(ScalarType.BOOL, s(4), 0, 1, 0, 1);
    TensorImpl out = empty(ScalarType.BOOL, 4);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 1, 1);
  }

  @Test
  void addAlphaFloatWithIntInputsIsRejected() {
    TensorImpl a = tensor(ScalarType.INT, s(1), 1);
    TensorImpl out = empty(ScalarType.INT, 1);
    assertThatThrownBy(() -> call("aten::add.out", v(a), v(a), d(1.5), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void addScalarPromotesIntTensorWithDoubleToFloat() {
    TensorImpl a = tensor(ScalarType.INT, s(2), 1, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call("aten::add.Scalar_out", v(a), d(0.5), i(1), v(out), v(out));
    assertThat(values(out)).containsExactly(1.5, 2.5);
    TensorImpl wrong = empty(ScalarType.DOUBLE, 2);
    assertThatThrownBy(() -> call("aten::add.Scalar_out", v(a), d(0.5), i(1), v(wrong), v(wrong)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void zeroDimAndEmptyTensors() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(), 2);
    TensorImpl b = tensor(ScalarType.FLOAT, s(), 3);
    TensorImpl out = empty(ScalarType.FLOAT);
    call("aten::mul.out", v(a), v(b), v(out), v(out));
    assertThat(values(out)).containsExactly(6);
    TensorImpl e = empty(ScalarType.FLOAT, 0, 3);
    TensorImpl eo = empty(ScalarType.FLOAT, 0, 3);
    call("aten::add.out", v(e), v(tensor(ScalarType.FLOAT, s(3), 1, 2, 3)), i(1), v(eo), v(eo));
    assertThat(eo.numel()).isZero();
  }

  @Test
  void dynamicOutputIsResizedToTheBroadcastShape() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2, 1), 1, 2);
    TensorImpl b = tensor(ScalarType.FLOAT, s(1, 2), 10, 20);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 16, 1, 1);
    call("aten::add.out", v(a), v(b), i(1), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 2);
    assertThat(values(out)).containsExactly(11, 21, 12, 22);
  }

  @Test
  void nonBroadcastableShapesAreInvalid() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2), 1, 2);
    TensorImpl b = tensor(ScalarType.FLOAT, s(3), 1, 2, 3);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 16, 3);
    assertThatThrownBy(() -> call("aten::add.out", v(a), v(b), i(1), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("broadcast");
  }

  @Test
  void staticOutputOfTheWrongShapeIsInvalid() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(2), 1, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    assertThatThrownBy(() -> call("aten::mul.out", v(a), v(a), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void subRejectsBoolAndComputesWithAlpha() {
    TensorImpl a = tensor(ScalarType.LONG, s(3), 10, 20, 30);
    TensorImpl b = tensor(ScalarType.LONG, s(3), 1, 2, 3);
    TensorImpl out = empty(ScalarType.LONG, 3);
    call("aten::sub.out", v(a), v(b), i(3), v(out), v(out));
    assertThat(longValues(out)).containsExactly(7, 14, 21);
    TensorImpl bools = tensor(ScalarType.BOOL, s(3), 1, 0, 1);
    TensorImpl bo = empty(ScalarType.BOOL, 3);
    assertThatThrownBy(() -> call("aten::sub.out", v(bools), v(bools), i(1), v(bo), v(bo)))
        .isInstanceOf(ExecuTorchException.class);
    TensorImpl fo = empty(ScalarType.FLOAT, 3);
    TensorImpl f = tensor(ScalarType.FLOAT, s(3), 1, 2, 3);
    call("aten::sub.Scalar_out", v(f), d(0.5), i(2), v(fo), v(fo));
    assertThat(values(fo)).containsExactly(0, 1, 2);
  }

  @Test
  void rsubScalar() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(3), 1, 2, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call("aten::rsub.Scalar_out", v(a), d(10), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(8, 6, 4);
  }

  @Test
  void mulScalarAndBroadcastScalarTensor() {
    TensorImpl a = tensor(ScalarType.HALF, s(3), 1.5, 2, -3);
    TensorImpl out = empty(ScalarType.HALF, 3);
    call("aten::mul.Scalar_out", v(a), d(2), v(out), v(out));
    assertThat(values(out)).containsExactly(3, 4, -6);
    TensorImpl x = tensor(ScalarType.FLOAT, s(), 3);
    TensorImpl y = tensor(ScalarType.FLOAT, s(2, 2), 1, 2, 3, 4);
    TensorImpl o = empty(ScalarType.FLOAT, 2, 2);
    call("aten::mul.out", v(x), v(y), v(o), v(o));
    assertThat(values(o)).containsExactly(3, 6, 9, 12);
  }

  @Test
  void divIntegersIsTrueDivisionInFloat() {
    TensorImpl a = tensor(ScalarType.INT, s(4), 7, -7, 1, 0);
    TensorImpl b = tensor(ScalarType.INT, s(4), 2, 2, 0, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    call("aten::div.out", v(a), v(b), v(out), v(out));
    double[] r = values(out);
    assertThat(r[0]).isEqualTo(3.5);
    assertThat(r[1]).isEqualTo(-3.5);
    assertThat(r[2]).isInfinite();
    assertThat(r[3]).isNaN();
  }

  @Test
  void divModes() {
    TensorImpl a = tensor(ScalarType.INT, s(4), 7, -7, 7, -7);
    TensorImpl b = tensor(ScalarType.INT, s(4), 2, 2, -2, -2);
    TensorImpl out = empty(ScalarType.INT, 4);
    call("aten::div.out_mode", v(a), v(b), str("trunc"), v(out), v(out));
    assertThat(longValues(out)).containsExactly(3, -3, -3, 3);
    call("aten::div.out_mode", v(a), v(b), str("floor"), v(out), v(out));
    assertThat(longValues(out)).containsExactly(3, -4, -4, 3);
    TensorImpl fa = tensor(ScalarType.FLOAT, s(3), 7.5, -7.5, 1);
    TensorImpl fb = tensor(ScalarType.FLOAT, s(3), 2, 2, 0);
    TensorImpl fo = empty(ScalarType.FLOAT, 3);
    call("aten::div.out_mode", v(fa), v(fb), str("floor"), v(fo), v(fo));
    assertThat(values(fo)).containsExactly(3, -4, Double.POSITIVE_INFINITY);
    call("aten::div.out_mode", v(fa), v(fb), none(), v(fo), v(fo));
    assertThat(values(fo)[0]).isEqualTo(3.75);
    assertThatThrownBy(() -> call("aten::div.out_mode", v(a), v(fb), str("round"), v(fo), v(fo)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void integerDivisionByZeroIsInvalidArgument() {
    TensorImpl a = tensor(ScalarType.INT, s(2), 1, 2);
    TensorImpl b = tensor(ScalarType.INT, s(2), 1, 0);
    TensorImpl out = empty(ScalarType.INT, 2);
    assertThatThrownBy(() -> call("aten::div.out_mode", v(a), v(b), str("floor"), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("division by zero");
    assertThatThrownBy(() -> call("aten::div.Scalar_mode_out", v(a), i(0), str("trunc"), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void divScalar() {
    TensorImpl a = tensor(ScalarType.LONG, s(2), 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call("aten::div.Scalar_out", v(a), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(1.5, 2);
    TensorImpl io = empty(ScalarType.LONG, 2);
    call("aten::div.Scalar_mode_out", v(a), i(-2), str("floor"), v(io), v(io));
    assertThat(longValues(io)).containsExactly(-2, -2);
    TensorImpl f = tensor(ScalarType.FLOAT, s(1), 1);
    TensorImpl fo = empty(ScalarType.FLOAT, 1);
    call("aten::div.Scalar_out", v(f), d(3), v(fo), v(fo));
    assertThat(values(fo)[0]).isCloseTo((double) (1f / 3f), within(0.0));
  }

  /** [rows, cols] op [cols], [rows, 1] and [] over sizes that hit every vector tail. */
  @Test
  void broadcastRowsMatchElementwiseReference() {
    String[] ops = {"aten::add.out", "aten::sub.out", "aten::mul.out", "aten::div.out"};
    for (int cols : new int[] {2, 3, 8, 17, 33}) {
      int rows = 3;
      double[] x = new double[rows * cols];
      for (int k = 0; k < x.length; k++) {
        x[k] = (k % 7) - 2.5;
      }
      double[] row = new double[cols];
      for (int k = 0; k < cols; k++) {
        row[k] = 1.5 + k;
      }
      double[] col = {2, -4, 8};
      TensorImpl a = tensor(ScalarType.FLOAT, s(rows, cols), x);
      TensorImpl r = tensor(ScalarType.FLOAT, s(cols), row);
      TensorImpl c = tensor(ScalarType.FLOAT, s(rows, 1), col);
      for (String op : ops) {
        boolean alpha = op.contains("add") || op.contains("sub");
        for (int order = 0; order < 4; order++) {
          TensorImpl lhs = order == 0 ? a : order == 1 ? a : order == 2 ? r : c;
          TensorImpl rhs = order == 0 ? r : order == 1 ? c : order == 2 ? a : a;
          TensorImpl out = empty(ScalarType.FLOAT, rows, cols);
          if (alpha) {
            call(op, v(lhs), v(rhs), d(order == 3 ? 1 : 2), v(out), v(out));
          } else {
            call(op, v(lhs), v(rhs), v(out), v(out));
          }
          double[] got = values(out);
          for (int i0 = 0; i0 < rows; i0++) {
            for (int j = 0; j < cols; j++) {
              float av = (float) x[i0 * cols + j];
              float rv = (float) row[j];
              float cv = (float) col[i0];
              float l = order == 0 || order == 1 ? av : order == 2 ? rv : cv;
              float rr = order == 0 ? rv : order == 1 ? cv : av;
              float al = order == 3 ? 1f : 2f;
              float e =
                  switch (op) {
                    case "aten::add.out" -> l + al * rr;
                    case "aten::sub.out" -> l - al * rr;
                    case "aten::mul.out" -> l * rr;
                    default -> l / rr;
                  };
              assertThat(got[i0 * cols + j]).as("%s order %d [%d, %d] cols %d", op, order, i0, j, cols).isEqualTo((double) e);
            }
          }
        }
      }
    }
  }
}
