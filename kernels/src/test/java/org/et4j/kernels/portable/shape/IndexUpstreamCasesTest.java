package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.shape.IndexOpsTest.optional;
import static org.et4j.kernels.portable.shape.ViewOpsTest.assertInvalid;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/** The cases of ExecuTorch's {@code kernels/test/op_index_test.cpp}, with its expected values. */
class IndexUpstreamCasesTest {
  private static final double[] X = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12
  };

  private static TensorImpl x() {
    return tensor(ScalarType.DOUBLE, new int[] {2, 3, 4}, X);
  }


  private static TensorImpl runInto(TensorImpl x, TensorImpl out, TensorImpl... indices) {
    call("aten::index.Tensor_out", v(x), optional(indices), v(out), v(out));
    return out;
  }

  @Test
  void indexMask() {
    TensorImpl mask =
        tensor(
            ScalarType.BOOL,
            new int[] {2, 3, 4},
            1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
    TensorImpl out = dynamicOut(ScalarType.DOUBLE, 24, 24);
    assertThat(values(runInto(x(), out, mask))).containsExactly(1, 7, -2, -11);
  }

  @Test
  void indicesWithNullTensors() {
    TensorImpl out = dynamicOut(ScalarType.DOUBLE, 24, 1, 1);
    runInto(x(), out, null, longTensor(new int[] {1}, 1), longTensor(new int[] {2}, 0, 1));
    assertThat(out.sizes()).containsExactly(2, 2);
    assertThat(values(out)).containsExactly(5, 6, -5, -6);
    runInto(x(), out, longTensor(new int[] {1}, 1), null, longTensor(new int[] {2}, 0, 1));
    assertThat(out.sizes()).containsExactly(2, 3);
    assertThat(values(out)).containsExactly(-1, -5, -9, -2, -6, -10);
    runInto(x(), out, longTensor(new int[] {1}, 1), longTensor(new int[] {2}, 0, 1), null);
    assertThat(out.sizes()).containsExactly(2, 4);
    assertThat(values(out)).containsExactly(-1, -2, -3, -4, -5, -6, -7, -8);
  }

  @Test
  void negativeIndicesForLongAndInt() {
    TensorImpl out = dynamicOut(ScalarType.DOUBLE, 24, 1, 1);
    runInto(x(), out, longTensor(new int[] {1}, -1), longTensor(new int[] {1}, -2));
    assertThat(values(out)).containsExactly(-5, -6, -7, -8);
    runInto(x(), out, tensor(ScalarType.INT, new int[] {1}, -1), tensor(ScalarType.INT, new int[] {1}, -2));
    assertThat(values(out)).containsExactly(-5, -6, -7, -8);
  }

  @Test
  void failures() {
    TensorImpl x = tensor(ScalarType.DOUBLE, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl out = empty(ScalarType.DOUBLE, 2, 3);
    assertInvalid(() -> runInto(x, out, null, null, null), "too many dimensions");
    TensorImpl ones = tensor(ScalarType.FLOAT, new int[] {1, 1, 1}, 1);
    TensorImpl o3 = empty(ScalarType.FLOAT, 1, 1, 1);
    assertInvalid(() -> runInto(ones, o3, tensor(ScalarType.BOOL, new int[] {3}, 1, 0, 0)), "mask");
    TensorImpl four = tensor(ScalarType.FLOAT, new int[] {4}, 1, 1, 1, 1);
    TensorImpl o1 = empty(ScalarType.FLOAT, 1);
    assertInvalid(() -> runInto(four, o1, tensor(ScalarType.BOOL, new int[] {1}, 1)), "mask");
    assertInvalid(() -> runInto(four, o1, tensor(ScalarType.FLOAT, new int[] {1}, 1)), "int64, int32 or bool");
    assertInvalid(
        () -> runInto(x, empty(ScalarType.DOUBLE, 2), longTensor(new int[] {2}, 0, 1), longTensor(new int[] {3}, 0, 1, 2)),
        "cannot be broadcast");
  }

  @Test
  void emptyInputAndIndex() {
    TensorImpl x = empty(ScalarType.FLOAT, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 0);
    runInto(x, out, empty(ScalarType.LONG, 0));
    assertThat(out.numel()).isZero();
    TensorImpl two = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    TensorImpl same = empty(ScalarType.FLOAT, 2);
    runInto(two, same);
    assertThat(values(same)).containsExactly(1, 2);
  }
}
