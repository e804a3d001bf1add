package org.et4j.kernels.quantized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;

import java.lang.foreign.Arena;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/** Per-channel (de)quantization of channels-last tensors walks the logical order. */
class ChannelsLastQuantizeTest {
  private static final int[] NHWC = {0, 2, 3, 1};

  private static TensorImpl channelsLast(ScalarType t, int[] sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    return new TensorImpl(t, sizes, NHWC, ShapeDynamism.STATIC, Arena.ofAuto().allocate(n * t.elementSize(), 8), n * t.elementSize());
  }

  /** Element at logical index (n, c, h, w). */
  private static double at(TensorImpl t, int n, int c, int h, int w) {
    long off = n * t.stride(0) + c * t.stride(1) + h * t.stride(2) + w * t.stride(3);
    return Elements.readDouble(t.dtype(), t.data(), off);
  }

  @Test
  void perChannelQuantizeAndDequantizeOfChannelsLast() {
    int[] sizes = {1, 2, 2, 2};
    TensorImpl x = channelsLast(ScalarType.FLOAT, sizes);
    for (int c = 0; c < 2; c++) {
      for (int h = 0; h < 2; h++) {
        for (int w = 0; w < 2; w++) {
          long off = c * x.stride(1) + h * x.stride(2) + w * x.stride(3);
          Elements.writeDouble(ScalarType.FLOAT, x.data(), off, 1 + c * 4 + h * 2 + w);
        }
      }
    }
    TensorImpl scales = tensor(ScalarType.DOUBLE, new int[] {2}, 1, 0.5);
    TensorImpl zps = longTensor(new int[] {2}, 0, 1);
    TensorImpl q = channelsLast(ScalarType.CHAR, sizes);
    call("quantized_decomposed::quantize_per_channel.out", v(x), v(scales), v(zps), i(1), i(-128), i(127), i(ScalarType.CHAR.code()), v(q), v(q));
    // channel 0: x / 1; channel 1: x / 0.5 + 1
    assertThat(at(q, 0, 0, 1, 1)).isEqualTo(4);
    assertThat(at(q, 0, 1, 0, 0)).isEqualTo(11);
    assertThat(at(q, 0, 1, 1, 1)).isEqualTo(17);
    TensorImpl back = channelsLast(ScalarType.FLOAT, sizes);
    call("quantized_decomposed::dequantize_per_channel.out", v(q), v(scales), v(zps), i(1), i(-128), i(127), i(ScalarType.CHAR.code()), none(), v(back), v(back));
    for (int c = 0; c < 2; c++) {
      for (int h = 0; h < 2; h++) {
        for (int w = 0; w < 2; w++) {
          assertThat(at(back, 0, c, h, w)).isEqualTo(at(x, 0, c, h, w));
        }
      }
    }
  }
}
