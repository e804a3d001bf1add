package org.et4j.kernels.portable.reduce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import java.lang.foreign.Arena;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/** One bound call site, executed again after its input changed shape, redoes its plan. */
class DynamicShapeTest {
  private static final KernelContext CTX = size -> Arena.ofAuto().allocate(Math.max(1, size), 64);

  private static KernelCall bind(String op, Value... args) {
    return OpHarness.registry().lookup(op).bind(args);
  }

  private static void fill(TensorImpl t) {
    for (int j = 0; j < t.numel(); j++) {
      Elements.writeDouble(t.dtype(), t.data(), j, j + 1);
    }
  }

  @Test
  void reductionsReplanWhenTheInputIsResized() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      TensorImpl in = OpHarness.dynamicOut(t, 12, 2, 3);
      TensorImpl out = OpHarness.dynamicOut(t, 4, 2);
      KernelCall sum = bind("aten::sum.IntList_out", v(in), ints(-1), b(false), none(), v(out), v(out));
      fill(in);
      sum.execute(CTX);
      assertThat(values(out)).containsExactly(6, 15);
      in.resize(3, 4);
      fill(in);
      sum.execute(CTX);
      assertThat(out.sizes()).containsExactly(3);
      assertThat(values(out)).containsExactly(10, 26, 42);
      in.resize(4, 2);
      fill(in);
      TensorImpl cols = OpHarness.dynamicOut(t, 4, 4);
      KernelCall colSum = bind("aten::sum.IntList_out", v(in), ints(0), b(false), none(), v(cols), v(cols));
      colSum.execute(CTX);
      assertThat(values(cols)).containsExactly(16, 20);
      in.resize(2, 4);
      fill(in);
      colSum.execute(CTX);
      assertThat(values(cols)).containsExactly(6, 8, 10, 12);
    }
  }

  @Test
  void softmaxReplansWhenTheInputIsResized() {
    TensorImpl in = OpHarness.dynamicOut(ScalarType.DOUBLE, 12, 2, 2);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.DOUBLE, 12, 2, 2);
    KernelCall softmax = bind("aten::_softmax.out", v(in), i(0), b(false), v(out), v(out));
    fill(in);
    softmax.execute(CTX);
    double e2 = Math.exp(2);
    assertThat(values(out)).containsExactly(new double[] {1 / (1 + e2), 1 / (1 + e2), e2 / (1 + e2), e2 / (1 + e2)}, within(1e-12));
    in.resize(3, 1);
    fill(in);
    softmax.execute(CTX);
    assertThat(out.sizes()).containsExactly(3, 1);
    double s = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(values(out)).containsExactly(new double[] {Math.exp(1) / s, Math.exp(2) / s, Math.exp(3) / s}, within(1e-12));
  }
}
