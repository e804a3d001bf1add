package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
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

class MoreReductionsTest {
  @Test
  void anyOverloads() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 0, 0, 0, 0, Double.NaN, 0);
    TensorImpl all = empty(ScalarType.BOOL);
    call("aten::any.all_out", v(in), v(all), v(all));
    assertThat(longValues(all)).containsExactly(1);
    TensorImpl rows = empty(ScalarType.BYTE, 2);
    call("aten::any.out", v(in), i(1), b(false), v(rows), v(rows));
    assertThat(longValues(rows)).containsExactly(0, 1);
    TensorImpl same = empty(ScalarType.BOOL, 2, 3);
    call("aten::any.dims_out", v(in), ints(), b(false), v(same), v(same));
    assertThat(longValues(same)).containsExactly(0, 0, 0, 0, 1, 0);
    TensorImpl cols = empty(ScalarType.BOOL, 1, 3);
    call("aten::any.dims_out", v(in), ints(0), b(true), v(cols), v(cols));
    assertThat(longValues(cols)).containsExactly(0, 1, 0);
    TensorImpl none = empty(ScalarType.BOOL);
    call("aten::any.dims_out", v(in), none(), b(false), v(none), v(none));
    assertThat(longValues(none)).containsExactly(1);
    TensorImpl emptyAny = empty(ScalarType.BOOL, 2);
    call("aten::any.out", v(empty(ScalarType.INT, 2, 0)), i(1), b(false), v(emptyAny), v(emptyAny));
    assertThat(longValues(emptyAny)).containsExactly(0, 0);
    assertThatThrownBy(() -> call("aten::any.all_out", v(in), v(empty(ScalarType.INT)), none()))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void prodOverloads() {
    TensorImpl in = tensor(ScalarType.INT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl all = empty(ScalarType.LONG);
    call("aten::prod.out", v(in), none(), v(all), v(all));
    assertThat(longValues(all)).containsExactly(720);
    TensorImpl rows = empty(ScalarType.INT, 2, 1);
    call("aten::prod.int_out", v(in), i(1), b(true), none(), v(rows), v(rows));
    assertThat(longValues(rows)).containsExactly(6, 120);
    TensorImpl wrap = empty(ScalarType.CHAR);
    call("aten::prod.int_out", v(tensor(ScalarType.CHAR, new int[] {2}, 16, 16)), i(0), b(false), none(), v(wrap), v(wrap));
    assertThat(longValues(wrap)).containsExactly(0);
    TensorImpl f = empty(ScalarType.FLOAT);
    call("aten::prod.out", v(tensor(ScalarType.FLOAT, new int[] {3}, 0.5, 4, -2)), none(), v(f), v(f));
    assertThat(values(f)).containsExactly(-4);
    TensorImpl e = empty(ScalarType.FLOAT, 2);
    call("aten::prod.int_out", v(empty(ScalarType.FLOAT, 2, 0)), i(1), b(false), none(), v(e), v(e));
    assertThat(values(e)).containsExactly(1, 1);
    assertThatThrownBy(() -> call("aten::prod.out", v(in), none(), v(empty(ScalarType.INT)), none()))
        .hasMessageContaining("int64");
  }

  @Test
  void varianceWithCorrections() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 4}, 1, 2, 3, 4, 2, 2, 2, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call("aten::var.correction_out", v(in), ints(1), none(), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(new double[] {5.0 / 3, 0}, within(1e-6));
    call("aten::var.correction_out", v(in), ints(1), d(0), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(new double[] {1.25, 0}, within(1e-6));
    call("aten::var.out", v(in), ints(1), b(false), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(new double[] {1.25, 0}, within(1e-6));
    TensorImpl one = empty(ScalarType.FLOAT, 2);
    call("aten::var.correction_out", v(tensor(ScalarType.FLOAT, new int[] {2, 1}, 1, 2)), ints(1), none(), b(false), v(one), v(one));
    assertThat(values(one)[0]).isNaN();
    TensorImpl dbl = empty(ScalarType.DOUBLE);
    call("aten::var.correction_out", v(tensor(ScalarType.DOUBLE, new int[] {3}, 1, 2, 6)), none(), i(1), b(false), v(dbl), v(dbl));
    assertThat(values(dbl)).containsExactly(7.0);
    assertThatThrownBy(() -> call("aten::var.out", v(tensor(ScalarType.INT, new int[] {1}, 1)), none(), b(true), b(false), v(empty(ScalarType.FLOAT)), none()))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void varMean() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 6, 0, 0, 3);
    TensorImpl var = empty(ScalarType.FLOAT, 2, 1);
    TensorImpl mean = empty(ScalarType.FLOAT, 2, 1);
    call("aten::var_mean.correction_out", v(in), ints(-1), none(), b(true), v(var), v(mean), tensors(var, mean));
    assertThat(values(mean)).containsExactly(3, 1);
    assertThat(values(var)).containsExactly(new double[] {7, 3}, within(1e-6));
    TensorImpl v0 = empty(ScalarType.FLOAT, 3);
    TensorImpl m0 = empty(ScalarType.FLOAT, 3);
    call("aten::var_mean.correction_out", v(in), ints(0), d(0), b(false), v(v0), v(m0), tensors(v0, m0));
    assertThat(values(m0)).containsExactly(0.5, 1, 4.5);
    assertThat(values(v0)).containsExactly(new double[] {0.25, 1, 2.25}, within(1e-6));
  }

  @Test
  void cumsum() {
    TensorImpl in = tensor(ScalarType.INT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = empty(ScalarType.INT, 2, 3);
    call("aten::cumsum.out", v(in), i(1), none(), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 3, 6, 4, 9, 15);
    call("aten::cumsum.out", v(in), i(-2), none(), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 2, 3, 5, 7, 9);
    TensorImpl f = empty(ScalarType.DOUBLE, 2, 3);
    call("aten::cumsum.out", v(in), i(1), i(ScalarType.DOUBLE.code()), v(f), v(f));
    assertThat(values(f)).containsExactly(1, 3, 6, 4, 9, 15);
    TensorImpl wrap = empty(ScalarType.CHAR, 2);
    call("aten::cumsum.out", v(tensor(ScalarType.CHAR, new int[] {2}, 100, 100)), i(0), none(), v(wrap), v(wrap));
    assertThat(longValues(wrap)).containsExactly(100, -56);
    TensorImpl s = empty(ScalarType.FLOAT);
    call("aten::cumsum.out", v(tensor(ScalarType.FLOAT, new int[0], 2.5)), i(0), none(), v(s), v(s));
    assertThat(values(s)).containsExactly(2.5);
    assertThatThrownBy(() -> call("aten::cumsum.out", v(in), i(2), none(), v(out), none()))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void topk() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 5}, 3, 1, 4, 1, 5, Double.NaN, 2, 2, 0, -1);
    TensorImpl val = empty(ScalarType.FLOAT, 2, 3);
    TensorImpl idx = empty(ScalarType.LONG, 2, 3);
    call("aten::topk.values", v(in), i(3), i(-1), b(true), b(true), v(val), v(idx), tensors(val, idx));
    assertThat(values(val)).containsExactly(5, 4, 3, Double.NaN, 2, 2);
    assertThat(longValues(idx)).containsExactly(4, 2, 0, 0, 1, 2);
    call("aten::topk.values", v(in), i(3), i(1), b(false), b(true), v(val), v(idx), tensors(val, idx));
    assertThat(values(val)).containsExactly(1, 1, 3, -1, 0, 2);
    assertThat(longValues(idx)).containsExactly(1, 3, 0, 4, 3, 1);
    TensorImpl cv = empty(ScalarType.FLOAT, 1, 5);
    TensorImpl ci = empty(ScalarType.LONG, 1, 5);
    call("aten::topk.values", v(in), i(1), i(0), b(true), b(true), v(cv), v(ci), tensors(cv, ci));
    assertThat(longValues(ci)).containsExactly(1, 1, 0, 0, 0);
    assertThatThrownBy(() -> call("aten::topk.values", v(in), i(6), i(1), b(true), b(true), v(val), v(idx), none()))
        .hasMessageContaining("k = 6");
  }
}
