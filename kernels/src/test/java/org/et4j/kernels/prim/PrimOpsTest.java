package org.et4j.kernels.prim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class PrimOpsTest {
  static Value run(String op, Value... inputs) {
    Value result = new Value();
    Value[] args = new Value[inputs.length + 1];
    System.arraycopy(inputs, 0, args, 0, inputs.length);
    args[inputs.length] = result;
    call(op, args);
    return result;
  }

  static void assertError(ErrorCode code, Runnable r, String... fragments) {
    assertThatThrownBy(r::run)
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(code))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void registeredAsItsOwnLibrary() {
    assertThat(org.et4j.kernels.testing.OpHarness.registry().contains("executorch_prim::et_view.default")).isTrue();
    assertThat(new PrimKernelLibrary().name()).isEqualTo("prim");
  }

  @Test
  void symSizeAndNumel() {
    TensorImpl x = empty(ScalarType.FLOAT, 2, 5, 3);
    assertThat(run("aten::sym_size.int", v(x), i(1)).toInt()).isEqualTo(5);
    assertThat(run("aten::sym_size.int", v(x), i(-1)).toInt()).isEqualTo(3);
    assertThat(run("aten::sym_numel", v(x)).toInt()).isEqualTo(30);
    assertError(ErrorCode.INVALID_ARGUMENT, () -> run("aten::sym_size.int", v(x), i(3)), "sym_size", "dim 3");
    assertError(ErrorCode.INVALID_PROGRAM, () -> call("aten::sym_size.int", v(x), i(0)), "expected 3");
  }

  @Test
  void localScalarDense() {
    assertThat(run("aten::_local_scalar_dense", v(longTensor(new int[0], -9))).toInt()).isEqualTo(-9);
    assertThat(run("aten::_local_scalar_dense", v(tensor(ScalarType.HALF, new int[] {2}, 0.5, 1))).toDouble()).isEqualTo(0.5);
    assertThat(run("aten::_local_scalar_dense", v(tensor(ScalarType.BOOL, new int[0], 1))).toBool()).isTrue();
    assertError(ErrorCode.INVALID_ARGUMENT, () -> run("aten::_local_scalar_dense", v(empty(ScalarType.INT, 0))), "at least 1");
  }

  @Test
  void arithmetic() {
    assertThat(run("executorch_prim::add.Scalar", i(Long.MAX_VALUE), i(1)).toInt()).isEqualTo(Long.MIN_VALUE);
    assertThat(run("executorch_prim::add.Scalar", i(1), d(0.5)).toDouble()).isEqualTo(1.5);
    assertThat(run("executorch_prim::sub.Scalar", d(1), i(3)).toDouble()).isEqualTo(-2.0);
    assertThat(run("executorch_prim::mul.Scalar", i(-4), i(6)).toInt()).isEqualTo(-24);
    assertThat(run("executorch_prim::truediv.Scalar", i(7), i(2)).toDouble()).isEqualTo(3.5);
    assertThat(run("executorch_prim::neg.Scalar", i(5)).toInt()).isEqualTo(-5);
    assertThat(run("executorch_prim::neg.Scalar", d(0.0)).toDouble()).isEqualTo(-0.0);
    assertError(ErrorCode.INVALID_TYPE, () -> run("executorch_prim::add.Scalar", b(true), i(1)), "add.Scalar");
  }

  @Test
  void floorDivisionAndModulo() {
    assertThat(run("executorch_prim::floordiv.Scalar", i(-7), i(2)).toInt()).isEqualTo(-4);
    assertThat(run("executorch_prim::floordiv.Scalar", i(7), i(-2)).toInt()).isEqualTo(-4);
    assertThat(run("executorch_prim::floordiv.Scalar", i(-8), i(2)).toInt()).isEqualTo(-4);
    assertThat(run("executorch_prim::floordiv.Scalar", i(7), i(2)).toInt()).isEqualTo(3);
    assertThat(run("executorch_prim::floordiv.Scalar", d(-7), i(2)).toDouble()).isEqualTo(-4.0);
    assertThat(run("executorch_prim::floordiv.Scalar", d(7.5), d(-2)).toDouble()).isEqualTo(-4.0);
    assertThat(run("executorch_prim::floordiv.Scalar", d(-1), d(0)).toDouble()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(run("executorch_prim::floordiv.Scalar", d(0), i(0)).toDouble()).isEqualTo(Double.POSITIVE_INFINITY);
    // floordiv.int and the mods truncate, as ExecuTorch's C++ does.
    assertThat(run("executorch_prim::floordiv.int", i(-7), i(2)).toInt()).isEqualTo(-3);
    assertThat(run("executorch_prim::mod.int", i(-7), i(2)).toInt()).isEqualTo(-1);
    assertThat(run("executorch_prim::mod.Scalar", i(7), i(-2)).toInt()).isEqualTo(1);
    assertError(ErrorCode.INVALID_ARGUMENT, () -> run("executorch_prim::floordiv.Scalar", i(1), i(0)), "by zero");
    assertError(ErrorCode.INVALID_ARGUMENT, () -> run("executorch_prim::mod.int", i(1), i(0)), "by zero");
    assertError(ErrorCode.INVALID_ARGUMENT, () -> run("executorch_prim::floordiv.int", i(1), i(0)), "by zero");
    assertError(ErrorCode.INVALID_TYPE, () -> run("executorch_prim::mod.Scalar", d(1), i(2)), "mod.Scalar");
  }

  @Test
  void comparisons() {
    assertThat(run("executorch_prim::eq.Scalar", i(3), d(3.0)).toBool()).isTrue();
    assertThat(run("executorch_prim::gt.Scalar", i(3), i(2)).toBool()).isTrue();
    assertThat(run("executorch_prim::lt.Scalar", d(Double.NaN), d(1)).toBool()).isFalse();
    assertThat(run("executorch_prim::ge.Scalar", d(Double.NaN), d(Double.NaN)).toBool()).isFalse();
    assertThat(run("executorch_prim::le.Scalar", b(false), b(true)).toBool()).isTrue();
    assertThat(run("executorch_prim::eq.Scalar", d(-0.0), d(0.0)).toBool()).isTrue();
    assertError(ErrorCode.INVALID_TYPE, () -> run("executorch_prim::eq.Scalar", b(true), i(1)), "eq.Scalar");
  }

  @Test
  void conversions() {
    assertThat(run("executorch_prim::sym_float.Scalar", i(3)).toDouble()).isEqualTo(3.0);
    assertThat(run("executorch_prim::sym_float.Scalar", b(true)).toDouble()).isEqualTo(1.0);
    assertThat(run("executorch_prim::sym_int.Scalar", d(-2.7)).toInt()).isEqualTo(-2);
    assertThat(run("executorch_prim::sym_int.Scalar", b(true)).toInt()).isEqualTo(1);
    assertThat(run("executorch_prim::ceil.Scalar", d(-2.5)).toInt()).isEqualTo(-2);
    assertThat(run("executorch_prim::round.Scalar", d(2.5)).toInt()).isEqualTo(2);
    assertThat(run("executorch_prim::round.Scalar", d(-3.5)).toInt()).isEqualTo(-4);
    assertThat(run("executorch_prim::round.Scalar", d(0.49999999999999994)).toInt()).isEqualTo(0);
    assertThat(run("executorch_prim::trunc.Scalar", d(-2.9)).toInt()).isEqualTo(-2);
    assertError(ErrorCode.INVALID_TYPE, () -> run("executorch_prim::ceil.Scalar", i(2)), "ceil.Scalar");
  }

  @Test
  void symMinMaxNotIte() {
    assertThat(run("executorch_prim::sym_max.Scalar", i(-1), i(4)).toInt()).isEqualTo(4);
    assertThat(run("executorch_prim::sym_min.Scalar", i(-1), i(4)).toInt()).isEqualTo(-1);
    assertThat(run("executorch_prim::sym_not.Scalar", b(false)).toBool()).isTrue();
    assertThat(run("executorch_prim::sym_ite.Scalar", b(true), i(1), d(2)).toInt()).isEqualTo(1);
    assertThat(run("executorch_prim::sym_ite.Scalar", b(false), i(1), d(2)).toDouble()).isEqualTo(2.0);
    assertError(ErrorCode.INVALID_TYPE, () -> run("executorch_prim::sym_max.Scalar", d(1), i(4)), "sym_max");
  }

  @Test
  void etViewSharesData() {
    TensorImpl self = tensor(ScalarType.FLOAT, new int[] {2, 3}, 0, 1, 2, 3, 4, 5);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 6, 6, 1);
    call("executorch_prim::et_view.default", v(self), ints(3, -1), v(out));
    assertThat(out.sizes()).containsExactly(3, 2);
    assertThat(values(out)).containsExactly(0, 1, 2, 3, 4, 5);
    self.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0, 42f);
    assertThat(values(out)[0]).isEqualTo(42);
    assertError(
        ErrorCode.INVALID_ARGUMENT, () -> call("executorch_prim::et_view.default", v(self), ints(4, 1), v(out)), "et_view");
  }

  @Test
  void etCopyIndexGrows() {
    TensorImpl to = dynamicOut(ScalarType.INT, 6, 3, 2);
    TensorImpl row = tensor(ScalarType.INT, new int[] {2}, 7, 8);
    call("executorch_prim::et_copy_index.tensor", v(to), v(row), i(0));
    assertThat(to.sizes()).containsExactly(1, 2);
    TensorImpl row2 = tensor(ScalarType.INT, new int[] {2}, 9, 10);
    call("executorch_prim::et_copy_index.tensor", v(to), v(row2), i(1));
    assertThat(to.sizes()).containsExactly(2, 2);
    assertThat(values(to)).containsExactly(7, 8, 9, 10);
    assertError(ErrorCode.INVALID_ARGUMENT, () -> call("executorch_prim::et_copy_index.tensor", v(to), v(row), i(-1)), "negative");
  }
}
