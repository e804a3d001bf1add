package org.et4j.kernels.portable.pointwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.IntUnaryOperator;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/** Dim orders, broadcasting through strides, and re-execution after shapes change. */
class LayoutAndResizeTest {
  static final Arena ARENA = Arena.ofAuto();
  static final KernelContext CONTEXT = bytes -> ARENA.allocate(Math.max(1, bytes), 64);

  /** A channels-last float tensor whose logical element (n, c, h, w) is {@code f(n, c, h, w)}. */
  static TensorImpl channelsLast(int[] sizes, IntUnaryOperator logicalValue) {
    int n = 1;
    for (int s : sizes) {
      n *= s;
    }
    MemorySegment data = ARENA.allocate((long) n * 4, 64);
    TensorImpl t =
        new TensorImpl(ScalarType.FLOAT, sizes, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC, data, data.byteSize());
    int logical = 0;
    for (int a = 0; a < sizes[0]; a++) {
      for (int b = 0; b < sizes[1]; b++) {
        for (int c = 0; c < sizes[2]; c++) {
          for (int d = 0; d < sizes[3]; d++) {
            long off = a * t.stride(0) + b * t.stride(1) + c * t.stride(2) + d * t.stride(3);
            data.setAtIndex(Elements.F32, off, logicalValue.applyAsInt(logical));
            logical++;
          }
        }
      }
    }
    return t;
  }

  static double logical(TensorImpl t, int a, int b, int c, int d) {
    long off = a * t.stride(0) + b * t.stride(1) + c * t.stride(2) + d * t.stride(3);
    return t.data().getAtIndex(Elements.F32, off);
  }

  @Test
  void channelsLastWithBroadcastBias() {
    int[] sizes = {1, 3, 2, 2};
    TensorImpl x = channelsLast(sizes, k -> k);
    TensorImpl bias = channelsLast(new int[] {1, 3, 1, 1}, k -> 100 * (k + 1));
    TensorImpl out = channelsLast(sizes, k -> 0);
    call("aten::add.out", v(x), v(bias), i(1), v(out), v(out));
    int k = 0;
    for (int c = 0; c < 3; c++) {
      for (int h = 0; h < 2; h++) {
        for (int w = 0; w < 2; w++) {
          assertThat(logical(out, 0, c, h, w)).isEqualTo(k + 100 * (c + 1));
          k++;
        }
      }
    }
  }

  @Test
  void channelsLastSameShapeUsesMemoryOrder() {
    int[] sizes = {2, 3, 2, 2};
    TensorImpl x = channelsLast(sizes, k -> k - 10);
    TensorImpl out = channelsLast(sizes, k -> 0);
    call("aten::relu.out", v(x), v(out), v(out));
    assertThat(logical(out, 0, 0, 0, 0)).isEqualTo(0);
    assertThat(logical(out, 1, 2, 1, 1)).isEqualTo(23 - 10);
  }

  @Test
  void mixedDimOrdersAreRejected() {
    TensorImpl x = channelsLast(new int[] {1, 2, 1, 1}, k -> k);
    TensorImpl y = tensor(ScalarType.FLOAT, new int[] {1, 2, 1, 1}, 1, 2);
    TensorImpl out = channelsLast(new int[] {1, 2, 1, 1}, k -> 0);
    assertThatThrownBy(() -> call("aten::mul.out", v(x), v(y), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("dim order");
  }

  @Test
  void reExecutionAfterAnInputResize() {
    TensorImpl a = dynamicOut(ScalarType.FLOAT, 8, 2);
    a.data().setAtIndex(Elements.F32, 0, 1f);
    a.data().setAtIndex(Elements.F32, 1, 2f);
    TensorImpl b = tensor(ScalarType.FLOAT, new int[] {1}, 10);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 8, 2);
    Value[] args = {v(a), v(b), i(1), v(out), v(out)};
    KernelCall k = OpHarness.registry().lookup("aten::add.out").bind(args);
    k.execute(CONTEXT);
    assertThat(values(out)).containsExactly(11, 12);
    a.resize(3);
    a.data().setAtIndex(Elements.F32, 2, 3f);
    k.execute(CONTEXT);
    assertThat(out.sizes()).containsExactly(3);
    assertThat(values(out)).containsExactly(11, 12, 13);
    a.resize(1);
    k.execute(CONTEXT);
    assertThat(values(out)).containsExactly(11);
  }

  @Test
  void unaryReExecutionAfterResize() {
    TensorImpl a = dynamicOut(ScalarType.DOUBLE, 8, 1);
    TensorImpl out = dynamicOut(ScalarType.DOUBLE, 8, 1);
    Value[] args = {v(a), v(out), v(out)};
    KernelCall k = OpHarness.registry().lookup("aten::neg.out").bind(args);
    a.resize(4);
    for (int j = 0; j < 4; j++) {
      a.data().setAtIndex(Elements.F64, j, j);
    }
    k.execute(CONTEXT);
    assertThat(values(out)).containsExactly(-0.0, -1, -2, -3);
  }

  @Test
  void scalarSlotsChangedAtRunTimeAreSeen() {
    TensorImpl a = tensor(ScalarType.LONG, new int[] {2}, 1, 2);
    TensorImpl out = dynamicOut(ScalarType.LONG, 2, 2);
    Value s = i(10);
    Value[] args = {v(a), s, i(1), v(out), v(out)};
    KernelCall k = OpHarness.registry().lookup("aten::add.Scalar_out").bind(args);
    k.execute(CONTEXT);
    assertThat(longValues(out)).containsExactly(11, 12);
    s.setInt(100);
    k.execute(CONTEXT);
    assertThat(longValues(out)).containsExactly(101, 102);
  }

  @Test
  void tensorSlotsMovedAtRunTimeAreSeen() {
    TensorImpl a = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    TensorImpl other = tensor(ScalarType.FLOAT, new int[] {2}, -5, 5);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 2, 2);
    Value slot = v(a);
    Value[] args = {slot, v(out), v(out)};
    KernelCall k = OpHarness.registry().lookup("aten::relu.out").bind(args);
    k.execute(CONTEXT);
    assertThat(values(out)).containsExactly(1, 2);
    slot.setTensor(other);
    k.execute(CONTEXT);
    assertThat(values(out)).containsExactly(0, 5);
  }

  @Test
  void registeredOpsIncludeTheWholeFamily() {
    String[] expected = {
      "aten::add.out", "aten::add.Scalar_out", "aten::sub.out", "aten::sub.Scalar_out", "aten::rsub.Scalar_out",
      "aten::mul.out", "aten::mul.Scalar_out", "aten::div.out", "aten::div.out_mode", "aten::div.Scalar_out",
      "aten::div.Scalar_mode_out", "aten::pow.Tensor_Tensor_out", "aten::pow.Tensor_Scalar_out",
      "aten::pow.Scalar_out", "aten::where.self_out", "aten::masked_fill.Scalar_out", "aten::clamp.Tensor_out",
      "aten::logical_xor.out", "aten::bitwise_xor.Scalar_out", "aten::remainder.Scalar_out", "aten::fmod.Tensor_out",
      "aten::floor_divide.out", "aten::atan2.out", "aten::glu.out", "aten::elu.out", "aten::logit.out",
      "aten::round.out", "aten::isinf.out", "aten::acosh.out", "aten::log2.out", "aten::ge.Scalar_out",
      "aten::ne.Tensor_out", "aten::maximum.out", "aten::minimum.out"
    };
    for (String op : expected) {
      assertThat(OpHarness.registry().contains(op)).as(op).isTrue();
    }
  }
}
