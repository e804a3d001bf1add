package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class SumMeanTest {
  private static final String SUM = "aten::sum.IntList_out";
  private static final String MEAN = "aten::mean.out";

  private static TensorImpl sum(TensorImpl in, org.et4j.runtime.kernel.Value dims, boolean keepdim, ScalarType dtype, TensorImpl out) {
    call(SUM, v(in), dims, b(keepdim), dtype == null ? none() : i(dtype.code()), v(out), v(out));
    return out;
  }

  @Test
  void sumsAlongEachDimAndNegativeDims() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    assertThat(values(sum(in, ints(1), false, null, empty(ScalarType.FLOAT, 2)))).containsExactly(6, 15);
    assertThat(values(sum(in, ints(0), false, null, empty(ScalarType.FLOAT, 3)))).containsExactly(5, 7, 9);
    assertThat(values(sum(in, ints(-1), true, null, empty(ScalarType.FLOAT, 2, 1)))).containsExactly(6, 15);
    assertThat(values(sum(in, ints(0, 1), false, null, empty(ScalarType.FLOAT)))).containsExactly(21);
  }

  @Test
  void noneAndEmptyDimListReduceEverything() {
    TensorImpl in = tensor(ScalarType.DOUBLE, new int[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(values(sum(in, none(), false, null, empty(ScalarType.DOUBLE)))).containsExactly(36);
    assertThat(values(sum(in, ints(), true, null, empty(ScalarType.DOUBLE, 1, 1, 1)))).containsExactly(36);
  }

  @Test
  void middleDimsOfA3dTensor() {
    TensorImpl in = tensor(ScalarType.INT, new int[] {2, 3, 2}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(longValues(sum(in, ints(1), false, null, empty(ScalarType.INT, 2, 2)))).containsExactly(6, 9, 24, 27);
    assertThat(longValues(sum(in, ints(0, 2), false, null, empty(ScalarType.INT, 3)))).containsExactly(14, 22, 30);
  }

  @Test
  void integerSumsWrapInTheOutDtype() {
    TensorImpl in = tensor(ScalarType.CHAR, new int[] {3}, 100, 100, 100);
    assertThat(longValues(sum(in, ints(0), false, null, empty(ScalarType.CHAR)))).containsExactly(44);
    assertThat(longValues(sum(in, ints(0), false, ScalarType.LONG, empty(ScalarType.LONG)))).containsExactly(300);
  }

  @Test
  void boolOutIsAnOrAndFloatToIntTruncates() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {3}, 0, 0.5, 0);
    assertThat(longValues(sum(in, ints(0), false, null, empty(ScalarType.BOOL)))).containsExactly(1);
    assertThat(longValues(sum(in, ints(0), false, null, empty(ScalarType.INT)))).containsExactly(0);
  }

  @Test
  void halfSumsAccumulateInFloat() {
    // 2048 + 1 is not representable in float16, but the float accumulator keeps it until the end
    double[] ones = new double[4096];
    java.util.Arrays.fill(ones, 1);
    TensorImpl in = tensor(ScalarType.HALF, new int[] {4096}, ones);
    assertThat(values(sum(in, ints(0), false, null, empty(ScalarType.HALF)))).containsExactly(4096);
  }

  @Test
  void emptyInputSumsToZero() {
    TensorImpl in = empty(ScalarType.FLOAT, 2, 0);
    assertThat(values(sum(in, ints(1), false, null, empty(ScalarType.FLOAT, 2)))).containsExactly(0, 0);
  }

  @Test
  void zeroDimInput() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[0], 5);
    assertThat(values(sum(in, ints(-1), false, null, empty(ScalarType.FLOAT)))).containsExactly(5);
  }

  @Test
  void nanPropagates() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {1, 3}, 1, Double.NaN, 2);
    assertThat(values(sum(in, ints(1), false, null, empty(ScalarType.FLOAT, 1))))
        .satisfies(x -> assertThat(Double.isNaN(x[0])).isTrue());
  }

  @Test
  void rejectsBadArguments() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    assertThatThrownBy(() -> sum(in, ints(2), false, null, empty(ScalarType.FLOAT, 2)))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> sum(in, ints(1, -1), false, null, empty(ScalarType.FLOAT, 2)))
        .hasMessageContaining("multiple times");
    assertThatThrownBy(() -> sum(in, ints(1), false, ScalarType.DOUBLE, empty(ScalarType.FLOAT, 2)))
        .hasMessageContaining("dtype");
    assertThatThrownBy(() -> sum(in, ints(1), false, null, empty(ScalarType.FLOAT, 3)))
        .isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void resizesDynamicOut() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.FLOAT, 8, 8);
    sum(in, ints(0), false, null, out);
    assertThat(out.sizes()).containsExactly(3);
    assertThat(values(out)).containsExactly(5, 7, 9);
  }

  @Test
  void sumsAllRowLengthsOfTheFastPath() {
    for (int n : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65}) {
      double[] x = new double[2 * n];
      double[] expect = new double[2];
      for (int j = 0; j < x.length; j++) {
        x[j] = (j % 7) - 2.5;
        expect[j / n] += x[j];
      }
      TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, n}, x);
      assertThat(values(sum(in, ints(1), false, null, empty(ScalarType.FLOAT, 2))))
          .containsExactly(expect, within(1e-4 * n));
      TensorImpl mean = empty(ScalarType.FLOAT, 2);
      call(MEAN, v(in), ints(1), b(false), none(), v(mean), v(mean));
      assertThat(values(mean)).containsExactly(new double[] {expect[0] / n, expect[1] / n}, within(1e-5));
    }
  }

  @Test
  void meanOverDimsAndDtypes() {
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = empty(ScalarType.FLOAT, 3);
    call(MEAN, v(in), ints(0), b(false), none(), v(out), v(out));
    assertThat(values(out)).containsExactly(2.5, 3.5, 4.5);

    TensorImpl ints = tensor(ScalarType.INT, new int[] {4}, 1, 2, 3, 5);
    TensorImpl d = empty(ScalarType.DOUBLE);
    call("aten::mean.dtype_out", v(ints), i(ScalarType.DOUBLE.code()), v(d), v(d));
    assertThat(values(d)).containsExactly(2.75);

    TensorImpl h = empty(ScalarType.HALF);
    call("aten::mean.dtype_out", v(tensor(ScalarType.HALF, new int[] {2}, 1, 2)), none(), v(h), v(h));
    assertThat(values(h)).containsExactly(1.5);
  }

  @Test
  void meanRejectsIntegerInputWithoutDtypeAndEmptyIsNaN() {
    TensorImpl ints = tensor(ScalarType.INT, new int[] {2}, 1, 2);
    assertThatThrownBy(() -> call(MEAN, v(ints), ints(0), b(false), none(), v(empty(ScalarType.FLOAT)), none()))
        .isInstanceOf(ExecuTorchException.class);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call(MEAN, v(empty(ScalarType.FLOAT, 2, 0)), ints(1), b(false), none(), v(out), v(out));
    assertThat(Double.isNaN(values(out)[0])).isTrue();
  }
}
