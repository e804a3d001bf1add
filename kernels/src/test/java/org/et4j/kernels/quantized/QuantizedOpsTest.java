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
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class QuantizedOpsTest {
  @Test
  void registeredAsTheirOwnLibrary() {
    assertThat(OpHarness.registry().contains("quantized_decomposed::quantize_per_tensor.out")).isTrue();
    assertThat(OpHarness.registry().contains("quantized_decomposed::embedding_4bit.dtype_out")).isTrue();
  }

  @Test
  void chooseQparams() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {3}, -1, 0.5, 2);
    TensorImpl scale = empty(ScalarType.DOUBLE, 1);
    TensorImpl zp = empty(ScalarType.LONG, 1);
    call("quantized_decomposed::choose_qparams.Tensor_out", v(x), i(-128), i(127), d(1e-7), i(ScalarType.CHAR.code()), v(scale), v(zp), tensors(scale, zp));
    assertThat(values(scale)[0]).isEqualTo(3.0 / 255);
    assertThat(longValues(zp)).containsExactly(-43);
    // all zeros: the scale falls back to 0.1 and the zero point comes from the max side
    TensorImpl zeros = tensor(ScalarType.FLOAT, new int[] {2}, 0, 0);
    call("quantized_decomposed::choose_qparams.Tensor_out", v(zeros), i(-128), i(127), d(1e-7), i(ScalarType.CHAR.code()), v(scale), v(zp), tensors(scale, zp));
    assertThat(values(scale)).containsExactly(0.1);
    assertThat(longValues(zp)).containsExactly(127);
    // positive only, tiny range: the scale is raised to 6.1e-5
    TensorImpl tiny = tensor(ScalarType.FLOAT, new int[] {2}, 0, 1e-4);
    call("quantized_decomposed::choose_qparams.Tensor_out", v(tiny), i(0), i(255), d(1e-7), i(ScalarType.BYTE.code()), v(scale), v(zp), tensors(scale, zp));
    assertThat(values(scale)[0]).isEqualTo((double) 6.1e-5f);
    assertThat(longValues(zp)).containsExactly(0);
    assertThatThrownBy(() -> call("quantized_decomposed::choose_qparams.Tensor_out", v(x), i(5), i(5), d(0), i(1), v(scale), v(zp), none()))
        .hasMessageContaining("qmin");
  }

  @Test
  void chooseQparamsPerToken() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {2, 3}, -1, 0.5, 2, 0, 0, 0);
    TensorImpl scale = OpHarness.dynamicOut(ScalarType.DOUBLE, 4, 4, 4);
    TensorImpl zp = OpHarness.dynamicOut(ScalarType.LONG, 4, 4, 4);
    call("quantized_decomposed::choose_qparams_per_token_asymmetric.out", v(x), i(ScalarType.FLOAT.code()), v(scale), v(zp), tensors(scale, zp));
    assertThat(scale.sizes()).containsExactly(2, 1);
    assertThat(values(scale)).containsExactly(3.0 / 255, 0.1);
    assertThat(longValues(zp)).containsExactly(-43, 127);
  }

  @Test
  void embeddingByte() {
    TensorImpl w = tensor(ScalarType.BYTE, new int[] {3, 4}, 0, 1, 2, 3, 10, 20, 30, 40, 255, 0, 128, 7);
    TensorImpl scales = tensor(ScalarType.FLOAT, new int[] {3}, 1, 0.5, 2);
    TensorImpl zps = tensor(ScalarType.FLOAT, new int[] {3}, 0, 10, 128);
    TensorImpl idx = longTensor(new int[] {1, 2}, 2, 1);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 2, 4);
    call("quantized_decomposed::embedding_byte.out", v(w), v(scales), v(zps), i(0), i(255), v(idx), v(out), v(out));
    assertThat(values(out)).containsExactly(254, -256, 0, -242, 0, 5, 10, 15);
    // grouped scales (2 groups of 2 columns), no zero points, int8 weights, float16 out
    TensorImpl w8 = tensor(ScalarType.CHAR, new int[] {1, 4}, -1, 2, -3, 4);
    TensorImpl gs = tensor(ScalarType.FLOAT, new int[] {1, 2}, 1, 10);
    TensorImpl h = empty(ScalarType.HALF, 1, 4);
    call("quantized_decomposed::embedding_byte.dtype_out", v(w8), v(gs), none(), i(-128), i(127), v(longTensor(new int[] {1}, 0)), i(ScalarType.HALF.code()), v(h), v(h));
    assertThat(values(h)).containsExactly(-1, 2, -30, 40);
    assertThatThrownBy(() -> call("quantized_decomposed::embedding_byte.out", v(w), v(scales), v(zps), i(0), i(255), v(longTensor(new int[] {1}, 3)), v(empty(ScalarType.FLOAT, 1, 4)), none()))
        .hasMessageContaining("out of bounds");
  }

  @Test
  void embedding4bitAnd2bit() {
    // 4-bit: the even column is the high nibble, values offset by 8
    TensorImpl w4 = tensor(ScalarType.BYTE, new int[] {2, 2}, 0x12, 0xF0, 0x88, 0x9A);
    TensorImpl s = tensor(ScalarType.FLOAT, new int[] {2}, 1, 0.5);
    TensorImpl out = empty(ScalarType.FLOAT, 2, 4);
    TensorImpl idx = tensor(ScalarType.INT, new int[] {2}, 0, 1);
    call("quantized_decomposed::embedding_4bit.out", v(w4), v(s), none(), i(-8), i(7), v(idx), v(out), v(out));
    assertThat(values(out)).containsExactly(-7, -6, 7, -8, 0, 0, 0.5, 1);
    // 2-bit: column 4k+s is bits 2s..2s+1 of byte k, values offset by 2
    TensorImpl w2 = tensor(ScalarType.BYTE, new int[] {1, 1}, 0xE4);
    TensorImpl out2 = empty(ScalarType.BFLOAT16, 1, 4);
    call("quantized_decomposed::embedding_2bit.dtype_out", v(w2), v(tensor(ScalarType.FLOAT, new int[] {1}, 2)), none(), i(-2), i(1), v(longTensor(new int[] {1}, 0)), none(), v(out2), v(out2));
    assertThat(values(out2)).containsExactly(-4, -2, 0, 2);
  }

  @Test
  void mixedMmAndMixedLinear() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {1, 2}, 1, 2);
    TensorImpl w = tensor(ScalarType.CHAR, new int[] {2, 3}, 1, -1, 2, 3, 0, -2);
    TensorImpl s = tensor(ScalarType.FLOAT, new int[] {2}, 0.5, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 1, 3);
    call("quantized_decomposed::mixed_mm.out", v(x), v(w), v(s), none(), v(out), v(out));
    assertThat(values(out)).containsExactly(12.5, -0.5, -7);

    TensorImpl xl = tensor(ScalarType.FLOAT, new int[] {1, 4}, 1, 2, 3, 4);
    TensorImpl wl = tensor(ScalarType.CHAR, new int[] {2, 4}, 1, 1, 1, 1, 1, -1, 2, 0);
    TensorImpl sl = tensor(ScalarType.FLOAT, new int[] {2, 2}, 1, 10, 0.5, 2);
    TensorImpl ol = empty(ScalarType.FLOAT, 1, 2);
    call("quantized_decomposed::mixed_linear.out", v(xl), v(wl), v(sl), none(), none(), v(ol), v(ol));
    assertThat(values(ol)).containsExactly(73, 11.5);
    TensorImpl oh = empty(ScalarType.HALF, 1, 2);
    call("quantized_decomposed::mixed_linear.out", v(xl), v(wl), v(tensor(ScalarType.FLOAT, new int[] {2}, 1, 0.5)), none(), i(ScalarType.HALF.code()), v(oh), v(oh));
    assertThat(values(oh)).containsExactly(10, 2.5);
    assertThatThrownBy(() -> call("quantized_decomposed::mixed_mm.out", v(x), v(w), v(s), v(s), v(out), none()))
        .hasMessageContaining("zero points");
  }

  @Test
  void quantizedAdd() {
    TensorImpl a = tensor(ScalarType.BYTE, new int[] {3}, 10, 0, 255);
    TensorImpl b = tensor(ScalarType.BYTE, new int[] {3}, 4, 1, 255);
    TensorImpl out = empty(ScalarType.BYTE, 3);
    call("quantized_decomposed::add.out", v(a), d(0.5), i(0), i(0), i(255), v(b), d(0.25), i(0), i(0), i(255), d(0.5), i(10), i(0), i(255), v(out), v(out));
    // 5 + 1 = 6 -> 12 + 10; 0 + 0.25 = 0.25 -> rint(0.5) = 0 -> 10; saturates at 255
    assertThat(longValues(out)).containsExactly(22, 10, 255);
    assertThatThrownBy(() -> call("quantized_decomposed::add.out", v(a), d(0.5), i(0), i(0), i(256), v(b), d(0.25), i(0), i(0), i(255), d(0.5), i(10), i(0), i(255), v(out), none()))
        .hasMessageContaining("quant_max");
  }

  @Test
  void dequantizeToleratesItsOwnQuantization() {
    double[] x = new double[17];
    for (int j = 0; j < x.length; j++) {
      x[j] = j * 0.37 - 3;
    }
    TensorImpl in = tensor(ScalarType.FLOAT, new int[] {17}, x);
    TensorImpl q = empty(ScalarType.CHAR, 17);
    call("quantized_decomposed::quantize_per_tensor.out", v(in), d(0.05), i(3), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), v(q));
    TensorImpl back = empty(ScalarType.FLOAT, 17);
    call("quantized_decomposed::dequantize_per_tensor.out", v(q), d(0.05), i(3), i(-128), i(127), i(ScalarType.CHAR.code()), none(), v(back), v(back));
    assertThat(values(back)).containsExactly(x, within(0.025 + 1e-6));
  }
}
