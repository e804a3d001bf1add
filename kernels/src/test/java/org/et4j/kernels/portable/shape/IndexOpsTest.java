package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.shape.ViewOpsTest.assertInvalid;
import static org.et4j.kernels.portable.shape.ViewOpsTest.iota;
import static org.et4j.kernels.testing.OpHarness.b;
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

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class IndexOpsTest {
  static Value optional(TensorImpl... ts) {
    Value[] items = new Value[ts.length];
    for (int k = 0; k < ts.length; k++) {
      items[k] = ts[k] == null ? new Value() : Value.ofTensor(ts[k]);
    }
    Value v = new Value();
    v.setOptionalTensorList(items);
    return v;
  }

  @Test
  void indexSingleDimWithNegative() {
    TensorImpl x = iota(ScalarType.FLOAT, 3, 2);
    TensorImpl idx = longTensor(new int[] {3}, 2, -3, 2);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 12, 3, 2);
    call("aten::index.Tensor_out", v(x), optional(idx), v(out), v(out));
    assertThat(values(out)).containsExactly(4, 5, 0, 1, 4, 5);
  }

  @Test
  void indexSecondDimKeepsPlace() {
    TensorImpl x = iota(ScalarType.LONG, 2, 3, 2);
    TensorImpl idx = tensor(ScalarType.INT, new int[] {2, 2}, 0, 2, 1, 1);
    TensorImpl out = dynamicOut(ScalarType.LONG, 32, 2, 2, 2, 2);
    call("aten::index.Tensor_out", v(x), optional(null, idx), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 2, 2, 2);
    // out[a, p, q, c] = x[a, idx[p, q], c]
    assertThat(longValues(out)).containsExactly(0, 1, 4, 5, 2, 3, 2, 3, 6, 7, 10, 11, 8, 9, 8, 9);
  }

  @Test
  void indexBroadcastsAndMovesNonAdjacentToFront() {
    TensorImpl x = iota(ScalarType.INT, 2, 3, 4);
    TensorImpl i0 = longTensor(new int[] {2, 1}, 0, 1);
    TensorImpl i2 = longTensor(new int[] {3}, 0, 1, 3);
    TensorImpl out = dynamicOut(ScalarType.INT, 64, 2, 3, 3);
    call("aten::index.Tensor_out", v(x), optional(i0, null, i2), v(out), v(out));
    // B = [2, 3] in front, then dim 1 (size 3): out[p, q, j] = x[i0[p], j, i2[q]]
    assertThat(out.sizes()).containsExactly(2, 3, 3);
    long[] got = longValues(out);
    long[] a = {0, 1};
    long[] c = {0, 1, 3};
    for (int p = 0; p < 2; p++) {
      for (int q = 0; q < 3; q++) {
        for (int j = 0; j < 3; j++) {
          assertThat(got[p * 9 + q * 3 + j]).isEqualTo(a[p] * 12 + j * 4 + c[q]);
        }
      }
    }
  }

  @Test
  void indexWithBoolMask() {
    TensorImpl x = iota(ScalarType.FLOAT, 2, 3);
    TensorImpl mask = tensor(ScalarType.BOOL, new int[] {2, 3}, 1, 0, 1, 0, 0, 1);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 6, 6);
    call("aten::index.Tensor_out", v(x), optional(mask), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 2, 5);
    TensorImpl rows = tensor(ScalarType.BOOL, new int[] {2}, 0, 1);
    TensorImpl out2 = dynamicOut(ScalarType.FLOAT, 6, 2, 3);
    call("aten::index.Tensor_out", v(x), optional(rows), v(out2), v(out2));
    assertThat(values(out2)).containsExactly(3, 4, 5);
  }

  @Test
  void indexOutOfRangeNamesIndexAndBound() {
    TensorImpl x = iota(ScalarType.FLOAT, 3);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 3, 1);
    assertInvalid(
        () -> call("aten::index.Tensor_out", v(x), optional(longTensor(new int[] {1}, 3)), v(out), v(out)),
        "index.Tensor_out",
        "index 3",
        "size 3");
  }

  @Test
  void indexPutOutAndInPlaceAccumulate() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {4}, 1, 1, 1, 1);
    TensorImpl idx = longTensor(new int[] {3}, 0, 2, 0);
    TensorImpl vals = tensor(ScalarType.FLOAT, new int[] {3}, 5, 6, 7);
    TensorImpl out = empty(ScalarType.FLOAT, 4);
    call("aten::index_put.out", v(x), optional(idx), v(vals), b(false), v(out), v(out));
    assertThat(values(out)).containsExactly(7, 1, 6, 1);
    assertThat(values(x)).containsExactly(1, 1, 1, 1);
    Value self = v(x);
    call("aten::index_put_", self, optional(idx), v(vals), b(false), self);
    assertThat(values(x)).containsExactly(7, 1, 6, 1);
  }

  @Test
  void indexPutInPlaceRejectsWhatExecuTorchRejects() {
    // ExecuTorch's op_index_put.cpp: the in-place form neither accumulates, nor takes negative
    // indices, nor broadcasts its values (InvalidArgument, each).
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {4}, 1, 1, 1, 1);
    Value self = v(x);
    TensorImpl vals = tensor(ScalarType.FLOAT, new int[] {3}, 5, 6, 7);
    assertInvalid(() -> call("aten::index_put_", self, optional(longTensor(new int[] {3}, 0, 2, 0)), v(vals), b(true),
        self), "accumulate");
    assertInvalid(() -> call("aten::index_put_", self, optional(longTensor(new int[] {3}, 0, -1, 0)), v(vals),
        b(false), self), "out of range");
    assertInvalid(() -> call("aten::index_put_", self, optional(longTensor(new int[] {3}, 0, 2, 0)),
        v(tensor(ScalarType.FLOAT, new int[] {1}, 5)), b(false), self), "shape of self");
    assertThat(values(x)).containsExactly(1, 1, 1, 1);
  }

  @Test
  void indexPutKvCacheStyle() {
    // cache[:, pos] = new, with a broadcast-free [1, 1, 2] update.
    TensorImpl cache = empty(ScalarType.HALF, 1, 3, 2);
    TensorImpl pos = longTensor(new int[] {1}, 1);
    TensorImpl upd = tensor(ScalarType.HALF, new int[] {1, 1, 2}, 0.5, -2);
    Value self = v(cache);
    call("aten::index_put_", self, optional(null, pos), v(upd), b(false), self);
    assertThat(values(cache)).containsExactly(0, 0, 0.5, -2, 0, 0);
  }

  @Test
  void indexSelectAndEmbedding() {
    TensorImpl x = iota(ScalarType.SHORT, 3, 2);
    TensorImpl idx = tensor(ScalarType.INT, new int[] {2}, 1, 1);
    TensorImpl out = empty(ScalarType.SHORT, 3, 2);
    call("aten::index_select.out", v(x), i(1), v(idx), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 1, 3, 3, 5, 5);
    TensorImpl w = iota(ScalarType.FLOAT, 4, 3);
    TensorImpl ids = longTensor(new int[] {2, 2}, 3, 0, 1, 3);
    TensorImpl emb = empty(ScalarType.FLOAT, 2, 2, 3);
    call("aten::embedding.out", v(w), v(ids), i(-1), b(false), b(false), v(emb), v(emb));
    assertThat(values(emb)).containsExactly(9, 10, 11, 0, 1, 2, 3, 4, 5, 9, 10, 11);
    assertInvalid(
        () -> call("aten::embedding.out", v(w), v(longTensor(new int[] {2, 2}, 0, 1, 2, -1)), i(-1), b(false), b(false), v(emb), v(emb)),
        "embedding",
        "index -1");
  }

  @Test
  void gatherScatter() {
    TensorImpl x = iota(ScalarType.FLOAT, 2, 3);
    TensorImpl idx = longTensor(new int[] {2, 2}, 2, 0, 1, 1);
    TensorImpl g = empty(ScalarType.FLOAT, 2, 2);
    call("aten::gather.out", v(x), i(1), v(idx), b(false), v(g), v(g));
    assertThat(values(g)).containsExactly(2, 0, 4, 4);
    TensorImpl src = tensor(ScalarType.FLOAT, new int[] {2, 2}, 10, 20, 30, 40);
    TensorImpl s = empty(ScalarType.FLOAT, 2, 3);
    call("aten::scatter.src_out", v(x), i(1), v(idx), v(src), v(s), v(s));
    assertThat(values(s)).containsExactly(20, 1, 10, 3, 40, 5);
    call("aten::scatter.value_out", v(x), i(1), v(idx), d(-1), v(s), v(s));
    assertThat(values(s)).containsExactly(-1, 1, -1, 3, -1, 5);
    call("aten::scatter_add.out", v(x), i(1), v(idx), v(src), v(s), v(s));
    assertThat(values(s)).containsExactly(20, 1, 12, 3, 74, 5);
    assertInvalid(
        () -> call("aten::gather.out", v(x), i(0), v(idx), b(false), v(g), v(g)), "gather", "index 2", "size 2");
  }

  @Test
  void repeatInterleaveNonzeroMasked() {
    TensorImpl reps = longTensor(new int[] {3}, 2, 0, 1);
    TensorImpl out = dynamicOut(ScalarType.LONG, 8, 8);
    call("aten::repeat_interleave.Tensor_out", v(reps), none(), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 0, 2);
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {2, 2}, 0, Double.NaN, 3, 0);
    TensorImpl nz = dynamicOut(ScalarType.LONG, 8, 4, 2);
    call("aten::nonzero.out", v(x), v(nz), v(nz));
    assertThat(nz.sizes()).containsExactly(2, 2);
    assertThat(longValues(nz)).containsExactly(0, 1, 1, 0);
    TensorImpl mask = tensor(ScalarType.BOOL, new int[] {2}, 0, 1);
    TensorImpl sel = dynamicOut(ScalarType.FLOAT, 4, 4);
    call("aten::masked_select.out", v(x), v(mask), v(sel), v(sel));
    assertThat(values(sel)).containsExactly(Double.NaN, 0);
    TensorImpl source = tensor(ScalarType.FLOAT, new int[] {3}, 7, 8, 9);
    TensorImpl ms = empty(ScalarType.FLOAT, 2, 2);
    call("aten::masked_scatter.out", v(x), v(mask), v(source), v(ms), v(ms));
    assertThat(values(ms)).containsExactly(0, 7, 3, 8);
    assertInvalid(
        () -> call("aten::masked_scatter.out", v(x), v(mask), v(tensor(ScalarType.FLOAT, new int[] {1}, 1)), v(ms), v(ms)),
        "masked_scatter");
  }
}
