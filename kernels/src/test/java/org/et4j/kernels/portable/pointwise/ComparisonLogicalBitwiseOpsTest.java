package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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

class ComparisonLogicalBitwiseOpsTest {
  static int[] s(int... x) {
    return x;
  }

  @Test
  void comparisonsTensor() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(4), 1, 2, 3, Double.NaN);
    TensorImpl b = tensor(ScalarType.INT, s(4), 2, 2, 2, 2);
    TensorImpl out = empty(ScalarType.BOOL, 4);
    String[] ops = {"eq", "ne", "lt", "le", "gt", "ge"};
    long[][] expected = {
      {0, 1, 0, 0}, {1, 0, 1, 1}, {1, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 1, 0}, {0, 1, 1, 0}
    };
    for (int k = 0; k < ops.length; k++) {
      call("aten::" + ops[k] + ".Tensor_out", v(a), v(b), v(out), v(out));
      assertThat(longValues(out)).as(ops[k]).containsExactly(expected[k]);
    }
  }

  @Test
  void comparisonsScalarAndBroadcastAndNonBoolOut() {
    TensorImpl a = tensor(ScalarType.INT, s(2, 2), 1, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 2);
    call("aten::gt.Scalar_out", v(a), d(2.5), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 0, 1, 1);
    TensorImpl col = tensor(ScalarType.INT, s(2, 1), 2, 3);
    TensorImpl bo = empty(ScalarType.BOOL, 2, 2);
    call("aten::eq.Tensor_out", v(a), v(col), v(bo), v(bo));
    assertThat(longValues(bo)).containsExactly(0, 1, 1, 0);
    // Large int64 values are compared exactly in int64.
    TensorImpl big = longTensor(s(1), Long.MAX_VALUE);
    TensorImpl bo1 = empty(ScalarType.BOOL, 1);
    call("aten::eq.Scalar_out", v(big), i(Long.MAX_VALUE - 1), v(bo1), v(bo1));
    assertThat(longValues(bo1)).containsExactly(0);
  }

  @Test
  void floatAndDoubleCompareInFloat() {
    TensorImpl f = tensor(ScalarType.FLOAT, s(1), 0.1);
    TensorImpl dd = tensor(ScalarType.DOUBLE, s(1), 0.1);
    TensorImpl out = empty(ScalarType.BOOL, 1);
    call("aten::eq.Tensor_out", v(f), v(dd), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1);
  }

  @Test
  void logicalOps() {
    TensorImpl a = tensor(ScalarType.FLOAT, s(4), 0, 0.5, Double.NaN, 0);
    TensorImpl b = tensor(ScalarType.INT, s(4), 0, 0, 3, 7);
    TensorImpl out = empty(ScalarType.BOOL, 4);
    call("aten::logical_and.out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 0, 1, 0);
    call("aten::logical_or.out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 1, 1);
    call("aten::logical_xor.out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 0, 1);
    TensorImpl fo = empty(ScalarType.FLOAT, 4);
    call("aten::logical_not.out", v(a), v(fo), v(fo));
    assertThat(values(fo)).containsExactly(1, 0, 0, 1);
  }

  @Test
  void logicalNotOfABoolTensorIntoBool() {
    TensorImpl mask = tensor(ScalarType.BOOL, s(5), 1, 0, 1, 0, 0);
    // A byte other than 0 or 1 is true, as everywhere a bool is read.
    mask.data().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 3, (byte) 2);
    TensorImpl out = empty(ScalarType.BOOL, 5);
    call("aten::logical_not.out", v(mask), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 0, 0, 1);
    assertThat(out.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1)).isEqualTo((byte) 1);
  }

  @Test
  void bitwiseOps() {
    TensorImpl a = tensor(ScalarType.INT, s(3), 12, -1, 5);
    TensorImpl b = tensor(ScalarType.INT, s(3), 10, 255, 2);
    TensorImpl out = empty(ScalarType.INT, 3);
    call("aten::bitwise_and.Tensor_out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(8, 255, 0);
    call("aten::bitwise_or.Tensor_out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(14, -1, 7);
    call("aten::bitwise_xor.Scalar_out", v(a), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(13, -2, 4);
    call("aten::bitwise_not.out", v(a), v(out), v(out));
    assertThat(longValues(out)).containsExactly(-13, 0, -6);
    TensorImpl u8 = tensor(ScalarType.BYTE, s(2), 0, 15);
    TensorImpl uo = empty(ScalarType.BYTE, 2);
    call("aten::bitwise_not.out", v(u8), v(uo), v(uo));
    assertThat(longValues(uo)).containsExactly(255, 240);
    TensorImpl bools = tensor(ScalarType.BOOL, s(2), 0, 1);
    TensorImpl bo = empty(ScalarType.BOOL, 2);
    call("aten::bitwise_not.out", v(bools), v(bo), v(bo));
    assertThat(longValues(bo)).containsExactly(1, 0);
    TensorImpl f = tensor(ScalarType.FLOAT, s(2), 1, 2);
    TensorImpl fo = empty(ScalarType.FLOAT, 2);
    assertThatThrownBy(() -> call("aten::bitwise_and.Tensor_out", v(f), v(f), v(fo), v(fo)))
        .isInstanceOf(ExecuTorchException.class);
    assertThatThrownBy(() -> call("aten::bitwise_and.Scalar_out", v(a), d(1.5), v(fo), v(fo)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void shifts() {
    TensorImpl a = tensor(ScalarType.INT, s(3), 1, -8, 0x40000000);
    TensorImpl b = tensor(ScalarType.INT, s(3), 3, 1, 1);
    TensorImpl out = empty(ScalarType.INT, 3);
    call("aten::bitwise_left_shift.Tensor_out", v(a), v(b), v(out), v(out));
    assertThat(longValues(out)).containsExactly(8, -16, Integer.MIN_VALUE);
    call("aten::bitwise_right_shift.Tensor_Scalar_out", v(a), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, -4, 0x20000000);
  }
}
