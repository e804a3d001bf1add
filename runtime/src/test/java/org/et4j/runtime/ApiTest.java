package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.List;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.runtime.testing.TestKernels;
import org.junit.jupiter.api.Test;

/** The Java API: tensors, values, the Module facade, and misuse reported as IllegalArgument/State. */
class ApiTest {
  @Test
  void tensorsCopyTheCallersDataAndReportShapeAndDtype() {
    float[] data = {1, 2, 3, 4, 5, 6};
    Tensor t = Tensor.fromArray(data, 2, 3);
    data[0] = 99;
    assertThat(t.shape()).containsExactly(2, 3);
    assertThat(t.dtype()).isEqualTo(ScalarType.FLOAT);
    assertThat(t.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(Tensor.fromBuffer(FloatBuffer.wrap(new float[] {7, 8}), 2).toFloatArray()).containsExactly(7, 8);
    assertThat(Tensor.fromArray(new long[] {1, -2}, 2).toLongArray()).containsExactly(1, -2);
    assertThat(Tensor.fromArray(new boolean[] {true, false}, 2).toBooleanArray()).containsExactly(true, false);
    assertThat(Tensor.fromUnsignedArray(new byte[] {(byte) 200}, 1).elementAsDouble(0)).isEqualTo(200);
    assertThat(Tensor.fromBits(ScalarType.HALF, new short[] {Float.floatToFloat16(1.5f)}, 1).toDoubles())
        .containsExactly(1.5);
    assertThat(Tensor.zeros(ScalarType.INT, 0, 4).numel()).isZero();
  }

  @Test
  void tensorMisuseIsAnIllegalArgumentOrState() {
    assertThatThrownBy(() -> Tensor.fromArray(new float[3], 2, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tensor.fromArray(new float[1], -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Tensor.fromArray(new int[] {1}, 1).toFloatArray()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> EValue.from(1L).toTensor()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void moduleRunsForwardAndReturnsCopies() {
    try (Module m =
        Module.of(
            Program.load(Fixtures.upstream("add.pte")), TestKernels.registry(), BackendRegistry.builder().build())) {
      assertThat(m.methodNames()).containsExactly("forward");
      List<EValue> out = m.forward(EValue.from(Tensor.fromArray(new float[] {1}, 1)), EValue.from(Tensor.fromArray(new float[] {2}, 1)));
      List<EValue> again = m.forward(EValue.from(Tensor.fromArray(new float[] {10}, 1)), EValue.from(Tensor.fromArray(new float[] {20}, 1)));
      assertThat(out.get(0).toTensor().isView()).isFalse();
      assertThat(out.get(0).toTensor().toFloatArray()).containsExactly(3f);
      assertThat(again.get(0).toTensor().toFloatArray()).containsExactly(30f);
      assertThatThrownBy(() -> m.forward(EValue.from(Tensor.fromArray(new float[] {1}, 1))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("takes 2 inputs");
      assertThatThrownBy(() -> m.execute("backward")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forward");
      m.close();
      assertThatThrownBy(m::methodNames).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void methodChecksInputsAsExecuTorchDoes() {
    try (Program p = Program.load(Fixtures.upstream("add.pte"));
        Method m = p.loadMethod("forward", TestKernels.registry(), BackendRegistry.builder().build())) {
      assertThatThrownBy(m::execute)
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> assertThat(e.getMessage()).contains("input 0 has not been set"));
      assertThatThrownBy(() -> m.setInput(0, EValue.from(Tensor.fromArray(new int[] {1}, 1))))
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      assertThatThrownBy(() -> m.setInput(0, EValue.from(3L)))
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      assertThatThrownBy(() -> m.setInput(2, EValue.none())).isInstanceOf(IllegalArgumentException.class);
      m.setInputs(EValue.from(Tensor.fromArray(new float[] {1}, 1)), EValue.from(Tensor.fromArray(new float[] {2}, 1)));
      m.execute();
      Tensor view = m.output(0).toTensor();
      Tensor kept = m.outputCopy(0).toTensor();
      m.setInputs(EValue.from(Tensor.fromArray(new float[] {5}, 1)), EValue.from(Tensor.fromArray(new float[] {5}, 1)));
      m.execute();
      assertThat(view.toFloatArray()).containsExactly(10f);
      assertThat(kept.toFloatArray()).containsExactly(3f);
    }
  }
}
