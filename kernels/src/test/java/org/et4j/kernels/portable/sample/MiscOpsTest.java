package org.et4j.kernels.portable.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.sample.SampleTesting.channelsLast;
import static org.et4j.kernels.portable.sample.SampleTesting.invalid;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.longTensor;
import static org.et4j.kernels.testing.OpHarness.longValues;
import static org.et4j.kernels.testing.OpHarness.registry;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class MiscOpsTest {
  private static final String RAND = "aten::rand.out";
  private static final String RANDN = "aten::randn.out";
  private static final String ALLCLOSE = "aten::allclose.out";

  @Test
  void randIsUniformInZeroOneForEveryFloatDtype() {
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE, ScalarType.HALF, ScalarType.BFLOAT16}) {
      TensorImpl out = empty(t, 64, 64);
      call(RAND, ints(64, 64), v(out), v(out));
      double[] x = values(out);
      double mean = 0;
      for (double e : x) {
        assertThat(e).isGreaterThanOrEqualTo(0).isLessThan(1);
        mean += e / x.length;
      }
      assertThat(mean).as("%s", t).isBetween(0.45, 0.55);
    }
  }

  @Test
  void randnIsStandardNormal() {
    TensorImpl out = empty(ScalarType.FLOAT, 4096);
    call(RANDN, ints(4096), v(out), v(out));
    double mean = 0;
    double square = 0;
    for (double e : values(out)) {
      mean += e / 4096;
      square += e * e / 4096;
    }
    assertThat(mean).isBetween(-0.1, 0.1);
    assertThat(square - mean * mean).isBetween(0.85, 1.15);
  }

  @Test
  void randomOpsResizeAndContinueTheirStream() {
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 64, 1, 1);
    Value[] args = {ints(4, 8), v(out), v(out)};
    KernelCall k = registry().lookup(RAND).bind(args);
    k.execute(byteSize -> java.lang.foreign.Arena.ofAuto().allocate(Math.max(1, byteSize)));
    assertThat(out.sizes()).containsExactly(4, 8);
    double[] first = values(out);
    k.execute(byteSize -> java.lang.foreign.Arena.ofAuto().allocate(Math.max(1, byteSize)));
    assertThat(values(out)).isNotEqualTo(first);
    TensorImpl none = empty(ScalarType.FLOAT, 0, 3);
    call(RANDN, ints(0, 3), v(none), v(none));
    TensorImpl ints = empty(ScalarType.INT, 4);
    invalid(RAND, ints(4), v(ints), v(ints)).hasMessageContaining("int32");
    invalid(RANDN, ints(4), v(ints), v(ints)).hasMessageContaining("int32");
  }

  @Test
  void complexOnlyOpsRejectRealInputs() {
    TensorImpl x = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    TensorImpl out = empty(ScalarType.FLOAT, 2);
    invalid("aten::_conj_physical.out", v(x), v(out), v(out)).hasMessageContaining("complex");
    TensorImpl out2 = empty(ScalarType.FLOAT, 2, 2);
    invalid("aten::view_as_real_copy.out", v(x), v(out2), v(out2)).hasMessageContaining("complex");
  }

  @Test
  void deviceCopiesAreHostCopies() {
    for (String op : new String[] {"et_copy::_h2d_copy.out", "et_copy::_d2h_copy.out"}) {
      long big = Long.MIN_VALUE + 3;
      TensorImpl x = longTensor(new int[] {2, 2}, big, 1, -1, 7);
      TensorImpl out = dynamicOut(ScalarType.LONG, 8, 1, 1);
      call(op, v(x), v(out), v(out));
      assertThat(out.sizes()).containsExactly(2, 2);
      assertThat(longValues(out)).containsExactly(big, 1, -1, 7);
      TensorImpl emptyIn = empty(ScalarType.FLOAT, 0);
      TensorImpl emptyOut = empty(ScalarType.FLOAT, 0);
      call(op, v(emptyIn), v(emptyOut), v(emptyOut));
      TensorImpl wrong = empty(ScalarType.INT, 2, 2);
      invalid(op, v(x), v(wrong), v(wrong)).hasMessageContaining("dtype");
      TensorImpl cl = channelsLast(ScalarType.FLOAT, new int[] {1, 2, 1, 1});
      TensorImpl plain = empty(ScalarType.FLOAT, 1, 2, 1, 1);
      invalid(op, v(cl), v(plain), v(plain)).hasMessageContaining("dim order");
    }
  }

  private static boolean allclose(TensorImpl a, TensorImpl b, double rtol, double atol, boolean equalNan) {
    TensorImpl out = empty(ScalarType.BOOL, 1);
    call(ALLCLOSE, v(a), v(b), d(rtol), d(atol), b(equalNan), b(false), v(out), v(out));
    return values(out)[0] != 0;
  }

  @Test
  void allcloseUsesAbsoluteAndRelativeTolerance() {
    TensorImpl a = tensor(ScalarType.FLOAT, new int[] {3}, 1, 100, -5);
    TensorImpl b = tensor(ScalarType.FLOAT, new int[] {3}, 1.000001, 100.0005, -5);
    assertThat(allclose(a, a, 1e-5, 1e-8, false)).isTrue();
    assertThat(allclose(a, b, 1e-5, 1e-8, false)).isTrue();
    assertThat(allclose(a, b, 1e-7, 1e-8, false)).isFalse();
    assertThat(allclose(a, b, 0, 1e-3, false)).isTrue();
    assertThat(allclose(a, b, 0, 0, false)).isFalse();
    assertThat(allclose(a, a, 0, 0, false)).isTrue();
    // NaN is never close, equal_nan notwithstanding (ExecuTorch ignores it); infinities neither.
    TensorImpl nan = tensor(ScalarType.DOUBLE, new int[] {2}, Double.NaN, 1);
    assertThat(allclose(nan, nan, 1e-5, 1e-8, true)).isFalse();
    assertThat(allclose(nan, nan, 0, 0, true)).isFalse();
    TensorImpl inf = tensor(ScalarType.DOUBLE, new int[] {1}, Double.POSITIVE_INFINITY);
    assertThat(allclose(inf, inf, 1e-5, 1e-8, false)).isFalse();
    assertThat(allclose(inf, inf, 0, 0, false)).isTrue();
    // Half subtracts in half: 2048 and 2049 are the same float16.
    TensorImpl h = tensor(ScalarType.HALF, new int[] {2}, 0.5, 2048);
    TensorImpl h2 = tensor(ScalarType.HALF, new int[] {2}, 0.5, 2050);
    assertThat(allclose(h, h2, 0, 1, false)).isFalse();
    assertThat(allclose(h, h2, 0, 2, false)).isTrue();
    // Empty tensors are close.
    assertThat(allclose(empty(ScalarType.FLOAT, 0), empty(ScalarType.FLOAT, 0), 1e-5, 1e-8, false)).isTrue();
  }

  @Test
  void allcloseComparesIntegerBytesExactly() {
    TensorImpl a = longTensor(new int[] {2}, 1, 2);
    TensorImpl b = longTensor(new int[] {2}, 1, 3);
    assertThat(allclose(a, a, 1, 1, false)).isTrue();
    assertThat(allclose(a, b, 1, 1, false)).isFalse();
    TensorImpl t = tensor(ScalarType.BOOL, new int[] {2}, 1, 0);
    assertThat(allclose(t, t, 0, 0, false)).isTrue();
  }

  @Test
  void allcloseRejectsMismatches() {
    TensorImpl a = tensor(ScalarType.FLOAT, new int[] {2}, 1, 2);
    TensorImpl out = empty(ScalarType.BOOL, 1);
    TensorImpl shape = tensor(ScalarType.FLOAT, new int[] {1, 2}, 1, 2);
    invalid(ALLCLOSE, v(a), v(shape), d(1e-5), d(1e-8), b(false), b(false), v(out), v(out)).hasMessageContaining("shape");
    TensorImpl dtype = tensor(ScalarType.DOUBLE, new int[] {2}, 1, 2);
    invalid(ALLCLOSE, v(a), v(dtype), d(1e-5), d(1e-8), b(false), b(false), v(out), v(out)).hasMessageContaining("dtype");
    TensorImpl floatOut = empty(ScalarType.FLOAT, 1);
    invalid(ALLCLOSE, v(a), v(a), d(1e-5), d(1e-8), b(false), b(false), v(floatOut), v(floatOut)).hasMessageContaining("bool");
    TensorImpl twoOut = empty(ScalarType.BOOL, 2);
    invalid(ALLCLOSE, v(a), v(a), d(1e-5), d(1e-8), b(false), b(false), v(twoOut), v(twoOut)).hasMessageContaining("one element");
  }
}
