package org.et4j.kernels.portable.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.shape.ViewOpsTest.assertInvalid;
import static org.et4j.kernels.portable.shape.ViewOpsTest.iota;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class JoinSplitOpsTest {
  @Test
  void catAlongLastDimWithConversionAndLegacyEmpty() {
    TensorImpl a = iota(ScalarType.FLOAT, 2, 2);
    TensorImpl b = tensor(ScalarType.LONG, new int[] {2, 1}, 10, 20);
    TensorImpl legacy = empty(ScalarType.FLOAT, 0);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 3);
    call("aten::cat.out", tensors(a, legacy, b), i(-1), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 1, 10, 2, 3, 20);
    TensorImpl bad = iota(ScalarType.FLOAT, 3, 1);
    assertInvalid(() -> call("aten::cat.out", tensors(a, bad), i(1), v(out), v(out)), "cat", "tensor 1");
  }

  @Test
  void catDim0() {
    TensorImpl a = iota(ScalarType.CHAR, 1, 3);
    TensorImpl b = iota(ScalarType.CHAR, 2, 3);
    TensorImpl out = dynamicOut(ScalarType.CHAR, 9, 3, 3);
    call("aten::cat.out", tensors(a, b), i(0), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 2, 0, 1, 2, 3, 4, 5);
  }

  @Test
  void stackNewMiddleDim() {
    TensorImpl a = iota(ScalarType.INT, 2, 2);
    TensorImpl b = tensor(ScalarType.INT, new int[] {2, 2}, 10, 11, 12, 13);
    TensorImpl out = empty(ScalarType.INT, 2, 2, 2);
    call("aten::stack.out", tensors(a, b), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(0, 1, 10, 11, 2, 3, 12, 13);
    TensorImpl out2 = empty(ScalarType.INT, 2, 2, 2);
    call("aten::stack.out", tensors(a, b), i(-1), v(out2), v(out2));
    assertThat(longValues(out2)).containsExactly(0, 10, 1, 11, 2, 12, 3, 13);
  }

  @Test
  void splits() {
    TensorImpl x = iota(ScalarType.FLOAT, 5, 2);
    TensorImpl a = empty(ScalarType.FLOAT, 2, 2);
    TensorImpl b = empty(ScalarType.FLOAT, 2, 2);
    TensorImpl c = empty(ScalarType.FLOAT, 1, 2);
    Value outs = tensors(a, b, c);
    call("aten::split_copy.Tensor_out", v(x), i(2), i(0), outs, outs);
    assertThat(values(c)).containsExactly(8, 9);
    TensorImpl p = empty(ScalarType.FLOAT, 5, 1);
    TensorImpl q = empty(ScalarType.FLOAT, 5, 1);
    // No return slot: these ops return ().
    call("aten::split_with_sizes_copy.out", v(x), ints(1, 1), i(-1), tensors(p, q));
    assertThat(values(q)).containsExactly(1, 3, 5, 7, 9);
    assertInvalid(
        () -> call("aten::split_with_sizes_copy.out", v(x), ints(1, 2), i(1), tensors(p, q)), "split_with_sizes", "add up");
    TensorImpl r0 = empty(ScalarType.FLOAT, 5);
    TensorImpl r1 = empty(ScalarType.FLOAT, 5);
    call("aten::unbind_copy.int_out", v(x), i(1), tensors(r0, r1), none());
    assertThat(values(r0)).containsExactly(0, 2, 4, 6, 8);
  }

  @Test
  void scatters() {
    TensorImpl self = iota(ScalarType.FLOAT, 3, 3);
    TensorImpl src = tensor(ScalarType.FLOAT, new int[] {3, 2}, -1, -2, -3, -4, -5, -6);
    TensorImpl out = empty(ScalarType.FLOAT, 3, 3);
    call("aten::slice_scatter.out", v(self), v(src), i(1), i(0), none(), i(2), v(out), v(out));
    assertThat(values(out)).containsExactly(-1, 1, -2, -3, 4, -4, -5, 7, -6);
    TensorImpl row = tensor(ScalarType.FLOAT, new int[] {3}, 7, 7, 7);
    call("aten::select_scatter.out", v(self), v(row), i(0), i(-1), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 1, 2, 3, 4, 5, 7, 7, 7);
    assertInvalid(
        () -> call("aten::select_scatter.out", v(self), v(src), i(0), i(0), v(out), v(out)), "select_scatter", "src");
  }

  @Test
  void repeatTiles() {
    TensorImpl x = tensor(ScalarType.SHORT, new int[] {2}, 1, 2);
    TensorImpl out = empty(ScalarType.SHORT, 2, 4);
    call("aten::repeat.out", v(x), ints(2, 2), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 2, 1, 2, 1, 2, 1, 2);
    TensorImpl y = iota(ScalarType.SHORT, 2, 1);
    TensorImpl out2 = empty(ScalarType.SHORT, 4, 3);
    call("aten::repeat.out", v(y), ints(2, 3), v(out2), v(out2));
    assertThat(longValues(out2)).containsExactly(0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1);
  }

  @Test
  void pixelShuffleRoundTrip() {
    TensorImpl x = iota(ScalarType.FLOAT, 1, 4, 1, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 1, 2, 4);
    call("aten::pixel_shuffle.out", v(x), i(2), v(out), v(out));
    // out[0, h*2+i, w*2+j] = x[i*2+j, 0, w]
    assertThat(values(out)).containsExactly(0, 2, 1, 3, 4, 6, 5, 7);
    TensorImpl back = empty(ScalarType.FLOAT, 1, 4, 1, 2);
    call("aten::pixel_unshuffle.out", v(out), i(2), v(back), v(back));
    assertThat(values(back)).containsExactly(values(x));
  }

  @Test
  void rollTwoDims() {
    TensorImpl x = iota(ScalarType.INT, 2, 3);
    TensorImpl out = empty(ScalarType.INT, 2, 3);
    call("aten::roll.out", v(x), ints(1, -1), ints(1, 0), v(out), v(out));
    // roll cols by 1: [[2,0,1],[5,3,4]], then rows by -1: [[5,3,4],[2,0,1]]
    assertThat(longValues(out)).containsExactly(5, 3, 4, 2, 0, 1);
    assertInvalid(() -> call("aten::roll.out", v(x), ints(1), ints(), v(out), v(out)), "roll");
  }

  @Test
  void constantPad() {
    TensorImpl x = iota(ScalarType.FLOAT, 2, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 5);
    call("aten::constant_pad_nd.out", v(x), ints(1, 2), d(-1.5), v(out), v(out));
    assertThat(values(out)).containsExactly(-1.5, 0, 1, -1.5, -1.5, -1.5, 2, 3, -1.5, -1.5);
    TensorImpl crop = empty(ScalarType.FLOAT, 1, 3);
    call("aten::constant_pad_nd.out", v(x), ints(0, 1, -1, 0), i(9), v(crop), v(crop));
    assertThat(values(crop)).containsExactly(2, 3, 9);
  }

  @Test
  void trilBatched() {
    TensorImpl x = tensor(ScalarType.BOOL, new int[] {2, 2, 3}, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
    TensorImpl out = empty(ScalarType.BOOL, 2, 2, 3);
    call("aten::tril.out", v(x), i(0), v(out), v(out));
    assertThat(longValues(out)).containsExactly(1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0);
    TensorImpl y = iota(ScalarType.DOUBLE, 3, 3);
    TensorImpl out2 = empty(ScalarType.DOUBLE, 3, 3);
    call("aten::tril.out", v(y), i(-1), v(out2), v(out2));
    assertThat(values(out2)).containsExactly(0, 0, 0, 3, 0, 0, 6, 7, 0);
  }
}
