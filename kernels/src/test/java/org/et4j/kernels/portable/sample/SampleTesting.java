package org.et4j.kernels.portable.sample;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.assertj.core.api.AbstractThrowableAssert;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/** Value builders the harness lacks, and the InvalidArgument assertion. */
final class SampleTesting {
  private static final Arena ARENA = Arena.ofAuto();

  private SampleTesting() {}

  static Value doubles(double... xs) {
    Value v = new Value();
    v.setDoubleList(xs.clone());
    return v;
  }

  static Value bools(boolean... xs) {
    Value v = new Value();
    v.setBoolList(xs.clone());
    return v;
  }

  /** A 4-D channels-last tensor with the logical (NCHW row-major) values given. */
  static TensorImpl channelsLast(ScalarType dtype, int[] sizes, double... logical) {
    long n = (long) sizes[0] * sizes[1] * sizes[2] * sizes[3];
    MemorySegment data = ARENA.allocate(Math.max(1, n * dtype.elementSize()), 64);
    TensorImpl t =
        new TensorImpl(dtype, sizes, new int[] {0, 2, 3, 1}, ShapeDynamism.STATIC, data, data.byteSize());
    for (int i = 0; i < logical.length; i++) {
      Elements.writeDouble(dtype, data, storageIndex(t, i), logical[i]);
    }
    return t;
  }

  /** The storage index of the element at row-major logical position {@code i}. */
  static long storageIndex(TensorImpl t, long i) {
    long idx = 0;
    for (int d = t.dim() - 1; d >= 0; d--) {
      idx += (i % t.size(d)) * t.stride(d);
      i /= t.size(d);
    }
    return idx;
  }

  /** All elements in logical (row-major) order, whatever the dim order. */
  static double[] logicalValues(TensorImpl t) {
    double[] out = new double[(int) t.numel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Elements.readDouble(t.dtype(), t.data(), storageIndex(t, i));
    }
    return out;
  }

  /** Binding or running the op fails with InvalidArgument. */
  static AbstractThrowableAssert<?, ? extends Throwable> invalid(String op, Value... args) {
    return assertThatThrownBy(() -> OpHarness.call(op, args))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((ExecuTorchException) e).errorCode())
            .isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
