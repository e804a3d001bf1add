package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/**
 * Integer, float16 and bfloat16 matrix products with ExecuTorch's arithmetic: integers accumulate
 * in the element type and wrap; the portable {@code addmm} and {@code convolution} round every
 * float16 / bfloat16 step; the optimized {@code mm}, {@code bmm} and {@code linear} sum in float
 * and round once. The values are chosen so that a double accumulator rounded at the end (et4j's
 * former path) gives another answer. The conformance fixtures {@code integer_matmul} and
 * {@code half_matmul} check the same against the ExecuTorch runtime.
 */
class ElementTypeMatmulTest {
  private static final int[] ROW5 = {1, 5};
  private static final int[] COL5 = {5, 1};

  @Test
  void int64ProductsKeepEveryBitAbove2To53() {
    TensorImpl a = longTensor(new int[] {1, 1}, (1L << 31) + 1);
    TensorImpl bm = longTensor(new int[] {1, 1}, (1L << 31) + 3);
    TensorImpl out = OpHarness.empty(ScalarType.LONG, 1, 1);
    call("aten::mm.out", v(a), v(bm), v(out), v(out));
    // 2^62 + 2^33 + 2^31 + 3: a double holds it only to a multiple of 1024.
    assertThat(longValues(out)).containsExactly(4611686027017322499L);
  }

  @Test
  void int64SumsWrapAround() {
    TensorImpl a = longTensor(ROW5, 1L << 62, 1L << 62, 1L << 62, 1, 0);
    TensorImpl bm = longTensor(COL5, 2, 2, 1, 5, 9);
    for (String op : new String[] {"aten::mm.out", "aten::bmm.out"}) {
      boolean batched = op.startsWith("aten::bmm");
      TensorImpl a3 = batched ? reshape(a, 1, 1, 5) : a;
      TensorImpl b3 = batched ? reshape(bm, 1, 5, 1) : bm;
      TensorImpl out = batched ? OpHarness.empty(ScalarType.LONG, 1, 1, 1) : OpHarness.empty(ScalarType.LONG, 1, 1);
      call(op, v(a3), v(b3), v(out), v(out));
      // 2^63 + 2^63 + 2^62 + 5 = 2^64 + 2^62 + 5, modulo 2^64.
      assertThat(longValues(out)).as(op).containsExactly((1L << 62) + 5);
    }
    TensorImpl self = longTensor(new int[] {1, 1}, Long.MAX_VALUE);
    TensorImpl out = OpHarness.empty(ScalarType.LONG, 1, 1);
    call("aten::addmm.out", v(self), v(a), v(bm), i(1), i(1), v(out), v(out));
    assertThat(longValues(out)).containsExactly(Long.MAX_VALUE + (1L << 62) + 5);
  }

  @Test
  void int32SumsWrapInsteadOfSaturating() {
    TensorImpl a = tensor(ScalarType.INT, new int[] {1, 2}, 1 << 30, 1 << 30);
    TensorImpl bm = tensor(ScalarType.INT, new int[] {2, 1}, 2, 1);
    TensorImpl out = OpHarness.empty(ScalarType.INT, 1, 1);
    call("aten::mm.out", v(a), v(bm), v(out), v(out));
    assertThat(values(out)).containsExactly(-(double) (1 << 30));

    // linear: input [1, 2] @ weight [1, 2]^T + bias, over int32 as the optimized kernel allows.
    TensorImpl weight = tensor(ScalarType.INT, new int[] {1, 2}, 2, 1);
    TensorImpl bias = tensor(ScalarType.INT, new int[] {1}, Integer.MAX_VALUE);
    TensorImpl lin = OpHarness.empty(ScalarType.INT, 1, 1);
    call("aten::linear.out", v(a), v(weight), v(bias), v(lin), v(lin));
    // 2^31 + 2^30 + 2^31 - 1 modulo 2^32.
    assertThat(values(lin)).containsExactly((double) ((1 << 30) - 1));

    // convolution: 1x1 over two channels is the same dot product.
    TensorImpl x = tensor(ScalarType.INT, new int[] {1, 2, 1, 1}, 1 << 30, 1 << 30);
    TensorImpl w = tensor(ScalarType.INT, new int[] {1, 2, 1, 1}, 2, 1);
    TensorImpl conv = OpHarness.empty(ScalarType.INT, 1, 1, 1, 1);
    convolution(x, w, conv);
    assertThat(values(conv)).containsExactly(-(double) (1 << 30));
  }

  @Test
  void portableAddmmAndConvolutionRoundEveryReducedPrecisionStep() {
    // float16 spacing at 2048 is 2: 2048 + 1 rounds back to 2048 (ties to even) at every step.
    // bfloat16 spacing at 256 is 2, the same.
    checkRoundedAsTheyGo(ScalarType.HALF, 2048);
    checkRoundedAsTheyGo(ScalarType.BFLOAT16, 256);
  }

  private static void checkRoundedAsTheyGo(ScalarType t, double big) {
    TensorImpl a = tensor(t, ROW5, big, 1, 1, 1, 1);
    TensorImpl ones = tensor(t, COL5, 1, 1, 1, 1, 1);
    TensorImpl zero = tensor(t, new int[] {1, 1}, 0);
    TensorImpl out = OpHarness.empty(t, 1, 1);
    call("aten::addmm.out", v(zero), v(a), v(ones), i(1), i(1), v(out), v(out));
    assertThat(values(out)).as("addmm " + t).containsExactly(big);

    TensorImpl x = tensor(t, new int[] {1, 5, 1, 1}, big, 1, 1, 1, 1);
    TensorImpl w = tensor(t, new int[] {1, 5, 1, 1}, 1, 1, 1, 1, 1);
    TensorImpl conv = OpHarness.empty(t, 1, 1, 1, 1);
    convolution(x, w, conv);
    assertThat(values(conv)).as("convolution " + t).containsExactly(big);
  }

  @Test
  void optimizedMmAndLinearSumInFloatAndRoundOnce() {
    for (ScalarType t : new ScalarType[] {ScalarType.HALF, ScalarType.BFLOAT16}) {
      double big = t == ScalarType.HALF ? 2048 : 256;
      TensorImpl a = tensor(t, ROW5, big, 1, 1, 1, 1);
      TensorImpl ones = tensor(t, COL5, 1, 1, 1, 1, 1);
      TensorImpl out = OpHarness.empty(t, 1, 1);
      call("aten::mm.out", v(a), v(ones), v(out), v(out));
      assertThat(values(out)).as("mm " + t).containsExactly(big + 4);

      TensorImpl weight = tensor(t, ROW5, 1, 1, 1, 1, 1);
      TensorImpl lin = OpHarness.empty(t, 1, 1);
      call("aten::linear.out", v(a), v(weight), none(), v(lin), v(lin));
      assertThat(values(lin)).as("linear " + t).containsExactly(big + 4);
    }
  }

  private static void convolution(TensorImpl x, TensorImpl w, TensorImpl out) {
    call("aten::convolution.out", v(x), v(w), none(), ints(1, 1), ints(0, 0), ints(1, 1), b(false), ints(0, 0),
        i(1), v(out), v(out));
  }

  private static TensorImpl reshape(TensorImpl t, int... sizes) {
    return TensorImpl.contiguous(t.dtype(), sizes, t.data());
  }
}
