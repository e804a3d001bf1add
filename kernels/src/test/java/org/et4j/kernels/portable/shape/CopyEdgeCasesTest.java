package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.shape.ViewOpsTest.iota;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import java.lang.foreign.Arena;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopyEdgeCasesTest {
  private static final KernelContext CONTEXT = n -> Arena.ofAuto().allocate(Math.max(1, n));

  static long[] toCopy(TensorImpl x, ScalarType to) {
    TensorImpl out = empty(to, x.sizes());
    call("aten::_to_copy.out", v(x), b(false), none(), v(out), v(out));
    return longValues(out);
  }

  @Test
  void integerConversionsWrapLikeCasts() {
    TensorImpl x = tensor(ScalarType.INT, new int[] {4}, 300, -1, 127, -129);
    assertThat(toCopy(x, ScalarType.BYTE)).containsExactly(44, 255, 127, 127);
    assertThat(toCopy(x, ScalarType.CHAR)).containsExactly(44, -1, 127, 127);
    assertThat(toCopy(x, ScalarType.BOOL)).containsExactly(1, 1, 1, 1);
    TensorImpl big = longTensor(new int[] {2}, 0x1_0000_0005L, -0x1_0000_0000L);
    assertThat(toCopy(big, ScalarType.INT)).containsExactly(5, 0);
    TensorImpl u8 = tensor(ScalarType.BYTE, new int[] {1}, 200);
    assertThat(toCopy(u8, ScalarType.LONG)).containsExactly(200);
  }

  @Test
  void floatConversions() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {4}, 3.9, -3.9, 0.0, -0.0);
    assertThat(toCopy(x, ScalarType.SHORT)).containsExactly(3, -3, 0, 0);
    assertThat(toCopy(x, ScalarType.BOOL)).containsExactly(1, 1, 0, 0);
    TensorImpl bools = tensor(ScalarType.BOOL, new int[] {2}, 1, 0);
    TensorImpl f = empty(ScalarType.DOUBLE, 2);
    call("aten::_to_copy.out", v(bools), b(false), none(), v(f), v(f));
    assertThat(values(f)).containsExactly(1.0, 0.0);
    // float16 -> bfloat16 goes through float and rounds to nearest even.
    TensorImpl h = tensor(ScalarType.HALF, new int[] {2}, 1.0 + 1.0 / 1024, 65504);
    TensorImpl bf = empty(ScalarType.BFLOAT16, 2);
    call("aten::_to_copy.out", v(h), b(false), none(), v(bf), v(bf));
    assertThat(values(bf)).containsExactly(1.0, 65536.0);
    TensorImpl tiny = tensor(ScalarType.DOUBLE, new int[] {1}, 1e-8);
    TensorImpl th = empty(ScalarType.HALF, 1);
    call("aten::_to_copy.out", v(tiny), b(false), none(), v(th), v(th));
    assertThat(values(th)).containsExactly(0.0);
  }

  @Test
  void zeroDimTensors() {
    TensorImpl s = tensor(ScalarType.FLOAT, new int[0], 4.5);
    TensorImpl out = empty(ScalarType.FLOAT);
    call("aten::clone.out", v(s), none(), v(out), v(out));
    assertThat(values(out)).containsExactly(4.5);
    TensorImpl u = empty(ScalarType.FLOAT, 1);
    call("aten::unsqueeze_copy.out", v(s), i(0), v(u), v(u));
    assertThat(values(u)).containsExactly(4.5);
    TensorImpl e = empty(ScalarType.FLOAT, 2, 3);
    call("aten::expand_copy.out", v(s), ints(2, 3), b(false), v(e), v(e));
    assertThat(values(e)).containsOnly(4.5).hasSize(6);
    TensorImpl vec = iota(ScalarType.FLOAT, 3);
    call("aten::select_copy.int_out", v(vec), i(0), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(2);
    TensorImpl st = empty(ScalarType.FLOAT, 2);
    call("aten::stack.out", tensors(s, out), i(0), v(st), v(st));
    assertThat(values(st)).containsExactly(4.5, 2);
    TensorImpl perm = empty(ScalarType.FLOAT);
    call("aten::permute_copy.out", v(s), ints(), v(perm), v(perm));
    assertThat(values(perm)).containsExactly(4.5);
  }

  @Test
  void replansWhenAnInputIsResized() {
    TensorImpl x =
        new TensorImpl(
            ScalarType.INT, new int[] {2, 3}, new int[] {0, 1}, ShapeDynamism.DYNAMIC_BOUND, Arena.ofAuto().allocate(64), 64);
    for (int k = 0; k < 16; k++) {
      org.et4j.kernels.util.Elements.writeLong(ScalarType.INT, x.data(), k, k);
    }
    TensorImpl out = dynamicOut(ScalarType.INT, 16, 3, 2);
    Value[] args = {v(x), ints(1, 0), v(out), v(out)};
    KernelCall c = org.et4j.kernels.testing.OpHarness.registry().lookup("aten::permute_copy.out").bind(args);
    c.execute(CONTEXT);
    assertThat(out.sizes()).containsExactly(3, 2);
    assertThat(longValues(out)).containsExactly(0, 3, 1, 4, 2, 5);
    x.resize(2, 2);
    c.execute(CONTEXT);
    assertThat(out.sizes()).containsExactly(2, 2);
    assertThat(longValues(out)).containsExactly(0, 2, 1, 3);
    // Same shape again: the plan is reused and the data re-read.
    org.et4j.kernels.util.Elements.writeLong(ScalarType.INT, x.data(), 0, 9);
    c.execute(CONTEXT);
    assertThat(longValues(out)).containsExactly(9, 2, 1, 3);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 65})
  void transposeAndCatOverTailSizes(int n) {
    for (ScalarType t : new ScalarType[] {ScalarType.BOOL, ScalarType.HALF, ScalarType.INT, ScalarType.DOUBLE}) {
      TensorImpl x = iota(t == ScalarType.BOOL ? ScalarType.BYTE : t, 3, n);
      TensorImpl out = empty(x.dtype(), n, 3);
      call("aten::transpose_copy.int_out", v(x), i(0), i(1), v(out), v(out));
      double[] xv = values(x);
      double[] ov = values(out);
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < n; c++) {
          assertThat(ov[c * 3 + r]).isEqualTo(xv[r * n + c]);
        }
      }
      TensorImpl cat = empty(x.dtype(), 3, 2 * n);
      call("aten::cat.out", tensors(x, x), i(1), v(cat), v(cat));
      double[] cv = values(cat);
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 2 * n; c++) {
          assertThat(cv[r * 2 * n + c]).isEqualTo(xv[r * n + c % n]);
        }
      }
    }
  }

  @Test
  void channelsLastInputToContiguousViews() {
    // A channels-last [1, 3, 2, 2] tensor sliced on channels and concatenated into a contiguous out.
    TensorImpl cl =
        new TensorImpl(
            ScalarType.FLOAT, new int[] {1, 3, 2, 2}, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC, Arena.ofAuto().allocate(48), 48);
    for (int h = 0; h < 2; h++) {
      for (int w = 0; w < 2; w++) {
        for (int c = 0; c < 3; c++) {
          // logical value c*4 + h*2 + w at storage (h, w, c)
          org.et4j.kernels.util.Elements.writeDouble(ScalarType.FLOAT, cl.data(), (h * 2 + w) * 3 + c, c * 4 + h * 2 + w);
        }
      }
    }
    TensorImpl sl = empty(ScalarType.FLOAT, 1, 2, 2, 2);
    call("aten::slice_copy.Tensor_out", v(cl), i(1), i(1), none(), i(1), v(sl), v(sl));
    assertThat(values(sl)).containsExactly(4, 5, 6, 7, 8, 9, 10, 11);
    TensorImpl cat = empty(ScalarType.FLOAT, 1, 6, 2, 2);
    call("aten::cat.out", tensors(cl, cl), i(1), v(cat), v(cat));
    assertThat(values(cat)).startsWith(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0);
  }

  @Test
  void indexPutWithMaskAndIndexFromInt32() {
    TensorImpl x = tensor(ScalarType.LONG, new int[] {2, 2}, 1, 2, 3, 4);
    TensorImpl mask = tensor(ScalarType.BOOL, new int[] {2, 2}, 0, 1, 1, 0);
    TensorImpl vals = longTensor(new int[0], -7);
    TensorImpl out = empty(ScalarType.LONG, 2, 2);
    call("aten::index_put.out", v(x), IndexOpsTest.optional(mask), v(vals), b(false), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, -7, -7, 4);
    TensorImpl rows = tensor(ScalarType.INT, new int[] {1}, -1);
    TensorImpl row = longTensor(new int[] {2}, 10, 20);
    call("aten::index_put.out", v(x), IndexOpsTest.optional(rows), v(row), b(true), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 2, 13, 24);
  }
}
