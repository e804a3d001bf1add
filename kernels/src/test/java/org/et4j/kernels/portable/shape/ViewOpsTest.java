package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
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
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class ViewOpsTest {
  static TensorImpl iota(ScalarType t, int... sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    double[] vals = new double[(int) n];
    for (int k = 0; k < n; k++) {
      vals[k] = k;
    }
    return tensor(t, sizes, vals);
  }

  static void assertInvalid(Runnable r, String... fragments) {
    assertThatThrownBy(r::run)
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContainingAll(fragments);
  }

  @Test
  void viewCopyInfersMinusOne() {
    TensorImpl x = iota(ScalarType.FLOAT, 2, 3, 4);
    TensorImpl out = empty(ScalarType.FLOAT, 6, 4);
    Value o = v(out);
    call("aten::view_copy.out", v(x), ints(-1, 4), o, o);
    assertThat(values(out)).containsExactly(values(x));
  }

  @Test
  void viewCopyRejectsWrongNumel() {
    TensorImpl x = iota(ScalarType.FLOAT, 2, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 4, 2);
    assertInvalid(() -> call("aten::view_copy.out", v(x), ints(4, 2), v(out), v(out)), "view_copy", "6");
  }

  @Test
  void permuteCopy3d() {
    TensorImpl x = iota(ScalarType.INT, 2, 3, 4);
    TensorImpl out = empty(ScalarType.INT, 4, 2, 3);
    call("aten::permute_copy.out", v(x), ints(2, 0, -2), v(out), v(out));
    long[] got = longValues(out);
    for (int a = 0; a < 4; a++) {
      for (int bb = 0; bb < 2; bb++) {
        for (int c = 0; c < 3; c++) {
          assertThat(got[a * 6 + bb * 3 + c]).isEqualTo(bb * 12 + c * 4 + a);
        }
      }
    }
  }

  @Test
  void transposeAndT() {
    TensorImpl x = iota(ScalarType.HALF, 2, 3);
    TensorImpl out = empty(ScalarType.HALF, 3, 2);
    call("aten::transpose_copy.int_out", v(x), i(0), i(-1), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 3, 1, 4, 2, 5);
    TensorImpl out2 = empty(ScalarType.HALF, 3, 2);
    call("aten::t_copy.out", v(x), v(out2), v(out2));
    assertThat(values(out2)).containsExactly(0, 3, 1, 4, 2, 5);
    TensorImpl vec = iota(ScalarType.HALF, 3);
    TensorImpl out3 = empty(ScalarType.HALF, 3);
    call("aten::t_copy.out", v(vec), v(out3), v(out3));
    assertThat(values(out3)).containsExactly(0, 1, 2);
  }

  @Test
  void unsqueezeAndSqueeze() {
    TensorImpl x = iota(ScalarType.LONG, 2, 3);
    TensorImpl out = empty(ScalarType.LONG, 2, 3, 1);
    call("aten::unsqueeze_copy.out", v(x), i(-1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 2, 3, 4, 5);
    TensorImpl sq = empty(ScalarType.LONG, 2, 3);
    call("aten::squeeze_copy.dim_out", v(out), i(2), v(sq), v(sq));
    assertThat(longValues(sq)).containsExactly(0, 1, 2, 3, 4, 5);
    TensorImpl y = iota(ScalarType.LONG, 1, 3, 1);
    TensorImpl sq2 = empty(ScalarType.LONG, 3);
    call("aten::squeeze_copy.dims_out", v(y), ints(0, -1), v(sq2), v(sq2));
    assertThat(longValues(sq2)).containsExactly(0, 1, 2);
    // Squeezing a dimension whose size is not 1 keeps it.
    TensorImpl keep = empty(ScalarType.LONG, 1, 3, 1);
    call("aten::squeeze_copy.dims_out", v(y), ints(1), v(keep), v(keep));
    assertThat(longValues(keep)).containsExactly(0, 1, 2);
  }

  @Test
  void squeezeOfScalar() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[0], 7);
    TensorImpl out = empty(ScalarType.FLOAT);
    call("aten::squeeze_copy.dim_out", v(x), i(-1), v(out), v(out));
    assertThat(values(out)).containsExactly(7);
  }

  @Test
  void expandBroadcastsAndAddsLeadingDims() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {3, 1}, 1, 2, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3, 2);
    call("aten::expand_copy.out", v(x), ints(2, -1, 2), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
    assertInvalid(
        () -> call("aten::expand_copy.out", v(x), ints(4, 2), b(false), v(out), v(out)), "expand_copy");
  }

  @Test
  void toCopyConverts() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {4}, -1.7, 2.5, 300, Double.NaN);
    TensorImpl out = empty(ScalarType.INT, 4);
    call("aten::_to_copy.out", v(x), b(false), none(), v(out), v(out));
    assertThat(java.util.Arrays.copyOf(longValues(out), 3)).containsExactly(-1, 2, 300);
    // int64 to float32 rounds once, not through a double.
    TensorImpl big = org.et4j.kernels.testing.OpHarness.longTensor(new int[] {2}, (1L << 53) + 1, -5);
    TensorImpl f = empty(ScalarType.FLOAT, 2);
    call("aten::_to_copy.out", v(big), b(false), none(), v(f), v(f));
    assertThat(values(f)[0]).isEqualTo((double) (float) ((1L << 53) + 1));
    TensorImpl bools = empty(ScalarType.BOOL, 4);
    call("aten::_to_copy.out", v(x), b(false), i(1), v(bools), v(bools));
    assertThat(longValues(bools)).containsExactly(1, 1, 1, 1);
  }

  @Test
  void cloneEmptyTensor() {
    TensorImpl x = empty(ScalarType.FLOAT, 0, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 0, 3);
    call("aten::clone.out", v(x), none(), v(out), v(out));
    assertThat(out.numel()).isZero();
  }

  @Test
  void copyBroadcastsAndConverts() {
    TensorImpl self = empty(ScalarType.FLOAT, 2, 3);
    TensorImpl src = tensor(ScalarType.LONG, new int[] {3}, 1, 2, 3);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::copy.out", v(self), v(src), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(1, 2, 3, 1, 2, 3);
  }

  @Test
  void copyInPlaceWritesSelf() {
    TensorImpl cache = empty(ScalarType.FLOAT, 2, 2);
    TensorImpl src = tensor(ScalarType.FLOAT, new int[] {2, 2}, 1, 2, 3, 4);
    Value self = v(cache);
    call("aten::copy_", self, v(src), b(false), self);
    assertThat(values(cache)).containsExactly(1, 2, 3, 4);
  }

  @Test
  void sliceSelectNarrow() {
    TensorImpl x = iota(ScalarType.FLOAT, 3, 5);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 15, 3, 5);
    call("aten::slice_copy.Tensor_out", v(x), i(1), i(-4), none(), i(2), v(out), v(out));
    assertThat(out.sizes()).containsExactly(3, 2);
    assertThat(values(out)).containsExactly(1, 3, 6, 8, 11, 13);
    // An empty slice (start past end).
    call("aten::slice_copy.Tensor_out", v(x), i(0), i(5), i(9), i(1), v(out), v(out));
    assertThat(out.sizes()).containsExactly(0, 5);
    TensorImpl row = empty(ScalarType.FLOAT, 5);
    call("aten::select_copy.int_out", v(x), i(0), i(-1), v(row), v(row));
    assertThat(values(row)).containsExactly(10, 11, 12, 13, 14);
    assertInvalid(
        () -> call("aten::select_copy.int_out", v(x), i(0), i(3), v(row), v(row)), "select_copy", "index 3", "size 3");
    TensorImpl nar = empty(ScalarType.FLOAT, 3, 2);
    call("aten::narrow_copy.out", v(x), i(1), i(-2), i(2), v(nar), v(nar));
    assertThat(values(nar)).containsExactly(3, 4, 8, 9, 13, 14);
  }

  @Test
  void replansWhenSymIntChanges() {
    TensorImpl x = iota(ScalarType.FLOAT, 6);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 6, 6);
    Value end = i(2);
    Value[] args = {v(x), i(0), i(0), end, i(1), v(out), v(out)};
    var call = org.et4j.kernels.testing.OpHarness.registry().lookup("aten::slice_copy.Tensor_out").bind(args);
    call.execute(n -> java.lang.foreign.Arena.ofAuto().allocate(n));
    assertThat(values(out)).containsExactly(0, 1);
    end.setInt(4);
    call.execute(n -> java.lang.foreign.Arena.ofAuto().allocate(n));
    assertThat(values(out)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void diagonalAsStridedUnfoldFlip() {
    TensorImpl x = iota(ScalarType.SHORT, 3, 4);
    TensorImpl d = empty(ScalarType.SHORT, 3);
    call("aten::diagonal_copy.out", v(x), i(1), i(0), i(1), v(d), v(d));
    assertThat(longValues(d)).containsExactly(1, 6, 11);
    TensorImpl d2 = empty(ScalarType.SHORT, 2);
    call("aten::diagonal_copy.out", v(x), i(-1), i(0), i(1), v(d2), v(d2));
    assertThat(longValues(d2)).containsExactly(4, 9);
    TensorImpl as = empty(ScalarType.SHORT, 2, 2);
    call("aten::as_strided_copy.out", v(x), ints(2, 2), ints(4, 1), i(5), v(as), v(as));
    assertThat(longValues(as)).containsExactly(5, 6, 9, 10);
    assertInvalid(
        () -> call("aten::as_strided_copy.out", v(x), ints(2, 2), ints(4, 1), i(10), v(as), v(as)), "as_strided");
    TensorImpl un = empty(ScalarType.SHORT, 3, 2, 2);
    call("aten::unfold_copy.out", v(x), i(1), i(2), i(2), v(un), v(un));
    assertThat(longValues(un)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    TensorImpl fl = empty(ScalarType.SHORT, 3, 4);
    call("aten::flip.out", v(x), ints(0, -1), v(fl), v(fl));
    assertThat(longValues(fl)).containsExactly(11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  }

  @Test
  void channelsLastConversion() {
    // NCHW [1, 2, 2, 2] to channels-last storage and back.
    TensorImpl x = iota(ScalarType.FLOAT, 1, 2, 2, 2);
    TensorImpl cl =
        new TensorImpl(
            ScalarType.FLOAT,
            new int[] {1, 2, 2, 2},
            new int[] {0, 2, 3, 1},
            org.et4j.runtime.ShapeDynamism.STATIC,
            java.lang.foreign.Arena.ofAuto().allocate(32),
            32);
    call("dim_order_ops::_to_dim_order_copy.out", v(x), b(false), ints(0, 2, 3, 1), v(cl), v(cl));
    assertThat(values(cl)).containsExactly(0, 4, 1, 5, 2, 6, 3, 7);
    TensorImpl back = empty(ScalarType.HALF, 1, 2, 2, 2);
    call("dim_order_ops::_to_dim_order_copy.out", v(cl), b(false), ints(0, 1, 2, 3), v(back), v(back));
    assertThat(values(back)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertInvalid(
        () -> call("dim_order_ops::_clone_dim_order.out", v(x), b(false), ints(0, 2, 3, 1), v(x), v(x)),
        "_clone_dim_order",
        "dim order");
    // Permute of a channels-last input into a contiguous output follows the logical layout.
    TensorImpl p = empty(ScalarType.FLOAT, 1, 2, 2, 2);
    call("aten::permute_copy.out", v(cl), ints(0, 1, 2, 3), v(p), v(p));
    assertThat(values(p)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
  }
}
