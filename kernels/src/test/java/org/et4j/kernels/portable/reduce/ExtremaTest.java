package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
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

class ExtremaTest {
  private static final double NAN = Double.NaN;

  @Test
  void amaxAndAminAlongDims() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 5, 3, -4, 2, 6);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call("aten::amax.out", v(in), ints(1), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(5, 6);
    out = empty(ScalarType.FLOAT, 1, 3);
    call("aten::amin.out", v(in), ints(0), b(true), v(out), v(out));
    assertThat(values(out)).containsExactly(-4, 2, 3);
    out = empty(ScalarType.FLOAT);
    call("aten::amax.out", v(in), ints(), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(6);
  }

  @Test
  void amaxPropagatesNaNOnEveryPath() {
    for (int n : new int[] {1, 3, 8, 17, 33}) {
      double[] x = new double[n];
      for (int j = 0; j < n; j++) {
        x[j] = j;
      }
      x[n / 2] = NAN;
      TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, n}, x);
      TensorImpl out = empty(ScalarType.FLOAT, 1);
      call("aten::amax.out", v(in), ints(-1), b(false), v(out), v(out));
      assertThat(values(out)[0]).isNaN();
      TensorImpl outDim0 = empty(ScalarType.DOUBLE, 1);
      call("aten::amin.out", v(tensor(ScalarType.DOUBLE, new int[] {n, 1}, x)), ints(0), b(false), v(outDim0), v(outDim0));
      assertThat(values(outDim0)[0]).isNaN();
    }
  }

  @Test
  void amaxOfIntegersAndEmptyInput() {
    TensorImpl in = tensor(ScalarType.LONG, new int[] {3}, -5, 7, 2);
    TensorImpl out = empty(ScalarType.LONG);
    call("aten::amax.out", v(in), ints(0), b(false), v(out), v(out));
    assertThat(longValues(out)).containsExactly(7);
    assertThatThrownBy(() -> call("aten::amax.out", v(empty(ScalarType.FLOAT, 0)), ints(0), b(false), v(empty(ScalarType.FLOAT)), none()))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void argmaxArgminFirstOccurrenceAndNaN() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 4}, 1, 9, 9, 0, 3, NAN, 7, NAN);
    TensorImpl out = empty(ScalarType.LONG, 2);
    call("aten::argmax.out", v(in), i(1), b(false), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 1);
    call("aten::argmin.out", v(in), i(-1), b(false), v(out), v(out));
    assertThat(longValues(out)).containsExactly(3, 1);
    TensorImpl flat = empty(ScalarType.LONG);
    call("aten::argmax.out", v(tensor(ScalarType.INT, new int[] {2, 2}, 3, 8, 8, 1)), none(), b(false), v(flat), v(flat));
    assertThat(longValues(flat)).containsExactly(1);
    TensorImpl kept = empty(ScalarType.LONG, 1, 4);
    call("aten::argmin.out", v(in), i(0), b(true), v(kept), v(kept));
    assertThat(longValues(kept)).containsExactly(0, 1, 1, 1);
  }

  @Test
  void argmaxAlongTheLastDimOfEveryRowLength() {
    for (int n : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 65}) {
      double[] x = new double[2 * n];
      for (int j = 0; j < x.length; j++) {
        x[j] = (j * 5) % 11;
      }
      TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, n}, x);
      TensorImpl out = empty(ScalarType.LONG, 2);
      call("aten::argmax.out", v(in), i(-1), b(false), v(out), v(out));
      TensorImpl ref = empty(ScalarType.LONG, 2);
      call("aten::argmax.out", v(tensor(ScalarType.DOUBLE, new int[] {2, n}, x)), i(-1), b(false), v(ref), v(ref));
      assertThat(longValues(out)).as("n=%d", n).containsExactly(longValues(ref));
    }
  }

  @Test
  void argmaxRejectsBadOutAndEmptyDim() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    assertThatThrownBy(() -> call("aten::argmax.out", v(in), i(0), b(false), v(empty(ScalarType.INT)), none()))
        .hasMessageContaining("int64");
    assertThatThrownBy(() -> call("aten::argmax.out", v(empty(ScalarType.FLOAT, 2, 0)), i(1), b(false), v(empty(ScalarType.LONG, 2)), none()))
        .hasMessageContaining("empty");
  }

  @Test
  void maxDimReturnsValuesAndIndices() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 5, 5, -1, -2, -3);
    TensorImpl val = empty(ScalarType.FLOAT, 2);
    TensorImpl idx = empty(ScalarType.LONG, 2);
    call("aten::max.dim_max", v(in), i(1), b(false), v(val), v(idx), tensors(val, idx));
    assertThat(values(val)).containsExactly(5, -1);
    assertThat(longValues(idx)).containsExactly(1, 0);
    call("aten::min.dim_min", v(in), i(1), b(false), v(val), v(idx), tensors(val, idx));
    assertThat(values(val)).containsExactly(1, -3);
    assertThat(longValues(idx)).containsExactly(0, 2);
  }

  @Test
  void maxDimOfBoolAndZeroDim() {
    TensorImpl in = tensor(ScalarType.BOOL, new int[] {3}, 0, 1, 1);
    TensorImpl val = empty(ScalarType.BOOL);
    TensorImpl idx = empty(ScalarType.LONG);
    call("aten::max.dim_max", v(in), i(0), b(false), v(val), v(idx), tensors(val, idx));
    assertThat(longValues(val)).containsExactly(1);
    assertThat(longValues(idx)).containsExactly(1);
    TensorImpl scalar = tensor(ScalarType.DOUBLE, new int[0], 4);
    TensorImpl sv = empty(ScalarType.DOUBLE);
    call("aten::min.dim_min", v(scalar), i(-1), b(true), v(sv), v(idx), tensors(sv, idx));
    assertThat(values(sv)).containsExactly(4);
    assertThat(longValues(idx)).containsExactly(0);
  }

  @Test
  void unaryMaxMinWithCastsNaNAndEmpty() {
    TensorImpl out = empty(ScalarType.FLOAT);
    call("aten::max.unary_out", v(tensor(ScalarType.INT, new int[] {3}, 4, -9, 2)), v(out), v(out));
    assertThat(values(out)).containsExactly(4);
    call("aten::min.unary_out", v(tensor(ScalarType.FLOAT, new int[] {3}, 4, NAN, -20)), v(out), v(out));
    assertThat(values(out)[0]).isNaN();
    call("aten::max.unary_out", v(empty(ScalarType.FLOAT, 0)), v(out), v(out));
    assertThat(values(out)).containsExactly(Double.NEGATIVE_INFINITY);
    TensorImpl lo = empty(ScalarType.CHAR);
    call("aten::min.unary_out", v(empty(ScalarType.CHAR, 0)), v(lo), v(lo));
    assertThat(longValues(lo)).containsExactly(127);
    assertThatThrownBy(() -> call("aten::max.unary_out", v(tensor(ScalarType.FLOAT, new int[] {1}, 1)), v(empty(ScalarType.INT)), none()))
        .hasMessageContaining("cast");
  }
}
