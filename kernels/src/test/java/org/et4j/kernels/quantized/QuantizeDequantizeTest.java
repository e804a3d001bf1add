package org.et4j.kernels.quantized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class QuantizeDequantizeTest {
  private static final String Q = "quantized_decomposed::quantize_per_tensor.out";
  private static final String DQ = "quantized_decomposed::dequantize_per_tensor.out";

  private static long[] quantize(ScalarType in, double[] x, double scale, long zp, long qmin, long qmax, ScalarType dtype) {
    TensorImpl t = tensor(in, new int[] {x.length}, x);
    TensorImpl out = empty(dtype, x.length);
    call(Q, v(t), d(scale), i(zp), i(qmin), i(qmax), i(dtype.code()), v(out), v(out));
    return longValues(out);
  }

  @Test
  void roundsHalfToEvenAndClamps() {
    double[] x = {0.5, 1.5, 2.5, -0.5, -1.5, 3.49, 1000, -1000};
    assertThat(quantize(ScalarType.FLOAT, x, 1.0, 0, -128, 127, ScalarType.CHAR)).containsExactly(0, 2, 2, 0, -2, 3, 127, -128);
    assertThat(quantize(ScalarType.FLOAT, x, 1.0, 10, 0, 255, ScalarType.BYTE)).containsExactly(10, 12, 12, 10, 8, 13, 255, 0);
    assertThat(quantize(ScalarType.DOUBLE, x, 1.0, 0, -5, 5, ScalarType.INT)).containsExactly(0, 2, 2, 0, -2, 3, 5, -5);
    assertThat(quantize(ScalarType.HALF, x, 1.0, 0, -32768, 32767, ScalarType.SHORT)).containsExactly(0, 2, 2, 0, -2, 3, 1000, -1000);
  }

  @Test
  void usesTheFloatReciprocalOfTheScale() {
    // 1.0f / 0.1f rounds to 10.0f, so 0.25 lands exactly on 2.5 and rounds to even
    assertThat(quantize(ScalarType.FLOAT, new double[] {0.25, 0.35}, 0.1, 0, -128, 127, ScalarType.CHAR)).containsExactly(2, 4);
    assertThat(quantize(ScalarType.FLOAT, new double[] {300}, 1.0, 0, 0, 65535, ScalarType.UINT16)).containsExactly(300);
  }

  @Test
  void nanAndInfinityGoToQuantMinAsOnX86() {
    // float -> int64 of NaN or +inf is INT64_MIN on x86, which the clamp turns into quant_min
    assertThat(quantize(ScalarType.FLOAT, new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, 1.0, 0, -128, 127, ScalarType.CHAR))
        .containsExactly(-128, -128, -128);
  }

  @Test
  void rejectsBadRangesAndDtypes() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {1}, 1);
    assertThatThrownBy(() -> call(Q, v(x), d(1), i(0), i(-129), i(127), i(ScalarType.CHAR.code()), v(empty(ScalarType.CHAR, 1)), none()))
        .isInstanceOf(ExecuTorchException.class).hasMessageContaining("quant_min");
    assertThatThrownBy(() -> call(Q, v(x), d(1), i(0), i(0), i(127), i(ScalarType.BYTE.code()), v(empty(ScalarType.CHAR, 1)), none()))
        .hasMessageContaining("dtype");
    assertThatThrownBy(() -> call(Q, v(tensor(ScalarType.INT, new int[] {1}, 1)), d(1), i(0), i(0), i(127), i(ScalarType.CHAR.code()), v(empty(ScalarType.CHAR, 1)), none()))
        .hasMessageContaining("float");
  }

  @Test
  void tensorOverloadsAndDynamicOut() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {3}, -1, 0, 1);
    TensorImpl scale = tensor(ScalarType.DOUBLE, new int[] {1}, 0.5);
    TensorImpl zp = longTensor(new int[] {1}, 3);
    TensorImpl q = OpHarness.dynamicOut(ScalarType.BYTE, 8, 8);
    call("quantized_decomposed::quantize_per_tensor.Tensor_out", v(x), v(scale), v(zp), i(0), i(255), i(ScalarType.BYTE.code()), v(q), v(q));
    assertThat(q.sizes()).containsExactly(3);
    assertThat(longValues(q)).containsExactly(1, 3, 5);
    TensorImpl back = empty(ScalarType.FLOAT, 3);
    call("quantized_decomposed::dequantize_per_tensor.Tensor_out", v(q), v(scale), v(zp), i(0), i(255), i(ScalarType.BYTE.code()), none(), v(back), v(back));
    assertThat(values(back)).containsExactly(-1, 0, 1);
    assertThatThrownBy(() -> call("quantized_decomposed::quantize_per_tensor.Tensor_out", v(x), v(tensor(ScalarType.FLOAT, new int[] {1}, 1)), v(zp), i(0), i(255), i(ScalarType.BYTE.code()), v(q), none()))
        .hasMessageContaining("float64");
  }

  @Test
  void dequantizePerTensorToEachFloatType() {
    TensorImpl q = tensor(ScalarType.CHAR, new int[] {4}, -128, -1, 0, 127);
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF}) {
      TensorImpl out = empty(t, 4);
      call(DQ, v(q), d(0.5), i(-1), i(-128), i(127), i(ScalarType.CHAR.code()), i(t.code()), v(out), v(out));
      assertThat(values(out)).containsExactly(-63.5, 0, 0.5, 64);
    }
    TensorImpl s16 = tensor(ScalarType.INT, new int[] {2}, 100000, -7);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    call(DQ, v(s16), d(0.25), i(0), i(-100000), i(100000), i(ScalarType.INT.code()), none(), v(out), v(out));
    assertThat(values(out)).containsExactly(25000, -1.75);
    assertThatThrownBy(() -> call(DQ, v(q), d(1), i(0), i(5), i(4), i(ScalarType.CHAR.code()), none(), v(empty(ScalarType.FLOAT, 4)), none()))
        .hasMessageContaining("greater");
    assertThatThrownBy(() -> call(DQ, v(q), d(1), i(0), i(0), i(4), i(ScalarType.BYTE.code()), none(), v(empty(ScalarType.FLOAT, 4)), none()))
        .hasMessageContaining("dtype");
  }

  @Test
  void perChannelAlongEachAxis() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    TensorImpl scales0 = tensor(ScalarType.DOUBLE, new int[] {2}, 1, 0.5);
    TensorImpl zps0 = longTensor(new int[] {2}, 0, 1);
    TensorImpl q = empty(ScalarType.CHAR, 2, 3);
    call("quantized_decomposed::quantize_per_channel.out", v(x), v(scales0), v(zps0), i(0), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), v(q));
    assertThat(longValues(q)).containsExactly(1, 2, 3, 9, 11, 13);
    TensorImpl back = empty(ScalarType.FLOAT, 2, 3);
    call("quantized_decomposed::dequantize_per_channel.out", v(q), v(scales0), v(zps0), i(0), i(-128), i(127), i(ScalarType.CHAR.code()), none(), v(back), v(back));
    assertThat(values(back)).containsExactly(1, 2, 3, 4, 5, 6);

    TensorImpl scales1 = tensor(ScalarType.DOUBLE, new int[] {3}, 1, 2, 4);
    TensorImpl zps1 = longTensor(new int[] {3}, 0, 0, 0);
    call("quantized_decomposed::quantize_per_channel.out", v(x), v(scales1), v(zps1), i(-1), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), v(q));
    assertThat(longValues(q)).containsExactly(1, 1, 1, 4, 2, 2);
    // float32 scales, int32 zero points, no zero points, into float64
    TensorImpl fs = tensor(ScalarType.FLOAT, new int[] {3}, 1, 2, 4);
    TensorImpl dbl = empty(ScalarType.DOUBLE, 2, 3);
    call("quantized_decomposed::dequantize_per_channel.out", v(q), v(fs), none(), i(1), i(-128), i(127), i(ScalarType.CHAR.code()), none(), v(dbl), v(dbl));
    assertThat(values(dbl)).containsExactly(1, 2, 4, 4, 4, 8);
    TensorImpl izp = tensor(ScalarType.INT, new int[] {3}, 1, 1, 1);
    call("quantized_decomposed::dequantize_per_channel.out", v(q), v(fs), v(izp), i(1), i(-128), i(127), i(ScalarType.CHAR.code()), none(), v(back), v(back));
    assertThat(values(back)).containsExactly(0, 0, 0, 3, 2, 4);
    assertThatThrownBy(() -> call("quantized_decomposed::quantize_per_channel.out", v(x), v(scales1), v(zps1), i(0), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), none()))
        .hasMessageContaining("scales");
  }

  @Test
  void perChannelOneDimensional() {
    TensorImpl q = tensor(ScalarType.BYTE, new int[] {3}, 10, 20, 30);
    TensorImpl scales = tensor(ScalarType.DOUBLE, new int[] {3}, 0.5, 0.25, 2);
    TensorImpl zps = longTensor(new int[] {3}, 10, 0, 31);
    TensorImpl out = empty(ScalarType.DOUBLE, 3);
    call("quantized_decomposed::dequantize_per_channel.out", v(q), v(scales), v(zps), i(0), i(0), i(255), i(ScalarType.BYTE.code()), i(ScalarType.DOUBLE.code()), v(out), v(out));
    assertThat(values(out)).containsExactly(0, 5, -2);
  }

  @Test
  void perToken() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {2, 1, 2}, 1, -1, 4, 8);
    TensorImpl scales = tensor(ScalarType.DOUBLE, new int[] {2, 1, 1}, 0.5, 4);
    TensorImpl zps = longTensor(new int[] {2, 1, 1}, 0, -3);
    TensorImpl q = empty(ScalarType.CHAR, 2, 1, 2);
    call("quantized_decomposed::quantize_per_token.out", v(x), v(scales), v(zps), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), v(q));
    assertThat(longValues(q)).containsExactly(2, -2, -2, -1);
    TensorImpl back = empty(ScalarType.FLOAT, 2, 1, 2);
    call("quantized_decomposed::dequantize_per_token.out", v(q), v(scales), v(zps), i(-128), i(127), i(ScalarType.CHAR.code()), i(ScalarType.FLOAT.code()), v(back), v(back));
    assertThat(values(back)).containsExactly(new double[] {1, -1, 4, 8}, within(0.0));
  }
}
