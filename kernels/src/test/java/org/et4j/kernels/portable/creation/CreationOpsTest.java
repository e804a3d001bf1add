package org.et4j.kernels.portable.creation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class CreationOpsTest {
  static void assertInvalid(Runnable r, String... fragments) {
    assertThatThrownBy(r::run)
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void fullResizesAndFills() {
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 16, 4, 4);
    call("aten::full.out", ints(2, 3), d(1.5), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 3);
    assertThat(values(out)).containsOnly(1.5).hasSize(6);
    TensorImpl big = empty(ScalarType.LONG, 3);
    call("aten::full.out", ints(3), i(Long.MIN_VALUE), v(big), v(big));
    assertThat(longValues(big)).containsOnly(Long.MIN_VALUE);
    TensorImpl bools = empty(ScalarType.BOOL, 2);
    call("aten::full.out", ints(2), d(0.25), v(bools), v(bools));
    assertThat(longValues(bools)).containsOnly(1);
  }

  @Test
  void fullRejectsOverflow() {
    TensorImpl out = empty(ScalarType.CHAR, 2);
    assertInvalid(() -> call("aten::full.out", ints(2), i(128), v(out), v(out)), "full.out", "128", "int8");
    TensorImpl half = empty(ScalarType.HALF, 2);
    assertInvalid(() -> call("aten::full.out", ints(2), d(1e5), v(half), v(half)), "float16");
    call("aten::full.out", ints(2), d(Double.NEGATIVE_INFINITY), v(half), v(half));
    assertThat(values(half)).containsOnly(Double.NEGATIVE_INFINITY);
    TensorImpl u8 = empty(ScalarType.BYTE, 1);
    call("aten::full.out", ints(1), i(-1), v(u8), v(u8));
    assertThat(longValues(u8)).containsExactly(255);
    TensorImpl ints = empty(ScalarType.INT, 1);
    assertInvalid(() -> call("aten::full.out", ints(1), d(Double.NaN), v(ints), v(ints)), "full.out");
  }

  @Test
  void fullLikeZerosOnesEmpty() {
    TensorImpl self = empty(ScalarType.FLOAT, 2, 2);
    TensorImpl out = empty(ScalarType.INT, 2, 2);
    call("aten::full_like.out", v(self), i(7), none(), v(out), v(out));
    assertThat(longValues(out)).containsOnly(7);
    call("aten::zeros.out", ints(2, 2), v(out), v(out));
    assertThat(longValues(out)).containsOnly(0);
    TensorImpl bf = empty(ScalarType.BFLOAT16, 3);
    call("aten::ones.out", ints(3), v(bf), v(bf));
    assertThat(values(bf)).containsOnly(1.0);
    TensorImpl e = dynamicOut(ScalarType.FLOAT, 8, 1, 1);
    call("aten::empty.out", ints(2, 4), none(), v(e), v(e));
    assertThat(e.sizes()).containsExactly(2, 4);
    call("dim_order_ops::_empty_dim_order.out", ints(1, 8), none(), v(e), v(e));
    assertThat(e.sizes()).containsExactly(1, 8);
    assertInvalid(
        () -> call("dim_order_ops::_empty_dim_order.out", ints(8, 1), ints(1, 0), v(e), v(e)), "_empty_dim_order", "dim order");
  }

  @Test
  void scalarTensor() {
    TensorImpl out = empty(ScalarType.DOUBLE);
    call("aten::scalar_tensor.out", d(-0.125), v(out), v(out));
    assertThat(values(out)).containsExactly(-0.125);
    TensorImpl b8 = empty(ScalarType.BOOL);
    call("aten::scalar_tensor.out", b(true), v(b8), v(b8));
    assertThat(longValues(b8)).containsExactly(1);
  }

  @Test
  void arange() {
    TensorImpl out = dynamicOut(ScalarType.LONG, 16, 16);
    call("aten::arange.out", i(5), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 2, 3, 4);
    TensorImpl f = dynamicOut(ScalarType.FLOAT, 16, 16);
    call("aten::arange.start_out", d(1), d(2.1), d(0.25), v(f), v(f));
    assertThat(values(f)).containsExactly(1, 1.25, 1.5, 1.75, 2.0);
    call("aten::arange.start_out", i(3), i(-3), i(-2), v(out), v(out));
    assertThat(longValues(out)).containsExactly(3, 1, -1);
    call("aten::arange.start_out", i(3), i(3), i(1), v(out), v(out));
    assertThat(out.numel()).isZero();
    assertInvalid(() -> call("aten::arange.start_out", i(0), i(3), i(-1), v(out), v(out)), "arange.start_out", "inconsistent");
  }

  @Test
  void fill() {
    TensorImpl self = empty(ScalarType.SHORT, 2, 3);
    TensorImpl out = empty(ScalarType.SHORT, 2, 3);
    call("aten::fill.Scalar_out", v(self), i(-3), v(out), v(out));
    assertThat(longValues(out)).containsOnly(-3).hasSize(6);
    TensorImpl value = tensor(ScalarType.FLOAT, new int[0], 2.75);
    call("aten::fill.Tensor_out", v(self), v(value), v(out), v(out));
    assertThat(longValues(out)).containsOnly(2).hasSize(6);
    assertInvalid(
        () -> call("aten::fill.Tensor_out", v(self), v(tensor(ScalarType.FLOAT, new int[] {1}, 1)), v(out), v(out)),
        "fill.Tensor_out",
        "0-d");
  }
}
