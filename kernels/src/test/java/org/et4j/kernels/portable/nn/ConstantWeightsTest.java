package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.portable.nn.NnTestTensors.at;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.Parallel;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/**
 * The constant-weight paths of {@code convolution}, {@code linear}, {@code addmm} and {@code mm}
 * (weights packed once at bind) against the definition in double and against the same call with
 * the weights as ordinary tensors, over sizes that leave every vector tail (1, 3, 7, 8, 9, 15, 16,
 * 17, 33 channels or columns) and the groups / depthwise / dilation / padding / stride / 1-D /
 * channels-last combinations. Repeated executions of one bound call and every thread count give
 * the same bits. Surefire runs this class with the preferred vector width, forced 128-bit and the
 * scalar implementations.
 */
class ConstantWeightsTest {
  private static final Arena ARENA = Arena.ofAuto();
  private final NnTestTensors data = new NnTestTensors(23);

  /** Scratch memory as the interpreter gives it: one region, grown on demand. */
  private static final class Context implements KernelContext {
    private MemorySegment scratch = MemorySegment.NULL;

    @Override
    public MemorySegment scratch(long byteSize) {
      if (scratch.byteSize() < byteSize) {
        scratch = ARENA.allocate(byteSize, 64);
      }
      return scratch;
    }
  }

  /** The same tensor (shape, dim order, bytes) marked as a program constant. */
  private static TensorImpl constant(TensorImpl t) {
    return TensorImpl.programConstant(t.dtype(), t.sizes(), t.dimOrder(), t.data());
  }

  private static KernelCall bind(String op, Value... args) {
    return OpHarness.registry().lookup(op).bind(args);
  }

  private static int[] bits(TensorImpl t) {
    int[] out = new int[(int) t.numel()];
    for (int k = 0; k < out.length; k++) {
      out[k] = Float.floatToRawIntBits(t.data().getAtIndex(Elements.F32, k));
    }
    return out;
  }

  /** Runs the bound call with 1 to 3 threads (grain of one operation) and twice per count. */
  private static int[] sameBitsEveryRun(String what, KernelCall call, TensorImpl out) {
    Context ctx = new Context();
    int[] first = null;
    for (int threads = 1; threads <= 3; threads++) {
      for (int run = 0; run < 2; run++) {
        Parallel.withThreads(threads, 1, () -> call.execute(ctx));
        int[] got = bits(out);
        if (first == null) {
          first = got;
        } else {
          assertThat(Arrays.equals(first, got))
              .as("%s: run %d with %d threads gives the bits of the first run", what, run, threads)
              .isTrue();
        }
      }
    }
    return first;
  }

  // ---- convolution ----

  private record Conv(
      int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw, int dh,
      int dw, int groups, boolean bias) {}

  private static List<Conv> convCases() {
    List<Conv> cases = new ArrayList<>();
    int[] channels = {1, 3, 7, 8, 9, 15, 16, 17, 33};
    for (int c : channels) {
      // 3x3 padded, pointwise, strided 5x5, dilated, depthwise (multiplier 1 and 2), grouped
      cases.add(new Conv(1, c, 6, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, true));
      cases.add(new Conv(2, c, 4, 5, 17, 1, 1, 1, 1, 0, 0, 1, 1, 1, c % 2 == 1));
      cases.add(new Conv(1, c, 9, 8, 8, 5, 5, 2, 3, 2, 1, 1, 1, 1, true));
      cases.add(new Conv(1, c, 9, 9, 3, 3, 2, 1, 2, 2, 0, 2, 3, 1, false));
      cases.add(new Conv(2, c, 7, 6, c, 3, 3, 2, 1, 1, 1, 1, 1, c, true));
      cases.add(new Conv(1, c, 6, 9, 2 * c, 3, 3, 1, 2, 1, 1, 2, 1, c, c % 2 == 0));
    }
    cases.add(new Conv(1, 16, 5, 5, 24, 3, 3, 1, 1, 1, 1, 1, 1, 4, true));
    cases.add(new Conv(2, 6, 7, 7, 9, 3, 1, 1, 2, 1, 0, 1, 1, 3, true));
    return cases;
  }

  private static int outSize(int in, int k, int s, int p, int d) {
    return (in + 2 * p - d * (k - 1) - 1) / s + 1;
  }

  private static double[] reference(Conv cs, TensorImpl x, TensorImpl wt, TensorImpl bias) {
    int oh = outSize(cs.h, cs.kh, cs.sh, cs.ph, cs.dh);
    int ow = outSize(cs.w, cs.kw, cs.sw, cs.pw, cs.dw);
    int cg = cs.c / cs.groups;
    int ocg = cs.oc / cs.groups;
    double[] r = new double[cs.n * cs.oc * oh * ow];
    for (int bi = 0; bi < cs.n; bi++) {
      for (int o = 0; o < cs.oc; o++) {
        int g = o / ocg;
        for (int y = 0; y < oh; y++) {
          for (int xx = 0; xx < ow; xx++) {
            double s = bias == null ? 0 : at(bias, o);
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < cs.kh; ky++) {
                for (int kx = 0; kx < cs.kw; kx++) {
                  int iy = y * cs.sh - cs.ph + ky * cs.dh;
                  int ix = xx * cs.sw - cs.pw + kx * cs.dw;
                  if (iy >= 0 && iy < cs.h && ix >= 0 && ix < cs.w) {
                    s += at(x, bi, g * cg + ci, iy, ix) * at(wt, o, ci, ky, kx);
                  }
                }
              }
            }
            r[((bi * cs.oc + o) * oh + y) * ow + xx] = s;
          }
        }
      }
    }
    return r;
  }

  private int[] convolve(
      Conv cs, TensorImpl x, TensorImpl wt, TensorImpl bias, boolean channelsLast, String what) {
    long cap = (long) cs.n * cs.oc * (cs.h + 2) * (cs.w + 2);
    TensorImpl out =
        channelsLast
            ? NnTestTensors.channelsLastOut(ScalarType.FLOAT, cap, 1, 1, 1, 1)
            : dynamicOut(ScalarType.FLOAT, cap, 1, 1, 1, 1);
    KernelCall call =
        bind(
            "aten::convolution.out", v(x), v(wt), bias == null ? none() : v(bias), ints(cs.sh, cs.sw),
            ints(cs.ph, cs.pw), ints(cs.dh, cs.dw), b(false), ints(0, 0), i(cs.groups), v(out),
            v(out));
    int[] result = sameBitsEveryRun(what, call, out);
    int k = cs.c / cs.groups * cs.kh * cs.kw;
    NnTestTensors.assertClose(what, out, reference(cs, x, wt, bias), 3e-6 * k);
    return result;
  }

  private void constantMatchesNonConstant(Conv cs, boolean channelsLast, boolean weightLast) {
    TensorImpl x =
        channelsLast
            ? data.randomChannelsLast(ScalarType.FLOAT, cs.n, cs.c, cs.h, cs.w)
            : data.random(ScalarType.FLOAT, cs.n, cs.c, cs.h, cs.w);
    int cg = cs.c / cs.groups;
    TensorImpl wt =
        weightLast
            ? data.randomChannelsLast(ScalarType.FLOAT, cs.oc, cg, cs.kh, cs.kw)
            : data.random(ScalarType.FLOAT, cs.oc, cg, cs.kh, cs.kw);
    TensorImpl bias = cs.bias ? data.random(ScalarType.FLOAT, cs.oc) : null;
    String what = cs + (channelsLast ? " channels-last" : "") + (weightLast ? " weight-last" : "");
    int[] packed =
        convolve(cs, x, constant(wt), bias == null ? null : constant(bias), channelsLast,
            what + " constant");
    int[] plain = convolve(cs, x, wt, bias, channelsLast, what + " not constant");
    // Both agree with the definition (checked above); their bits may differ by summation order,
    // within the tolerance of one float rounding per product term.
    assertThat(packed.length).isEqualTo(plain.length);
    float tol = 6e-6f * cg * cs.kh * cs.kw;
    for (int e = 0; e < packed.length; e++) {
      float p = Float.intBitsToFloat(packed[e]);
      float q = Float.intBitsToFloat(plain[e]);
      assertThat(p).as("%s element %d: packed vs unpacked", what, e)
          .isCloseTo(q, org.assertj.core.data.Offset.offset(tol * Math.max(1, Math.abs(q))));
    }
  }

  /**
   * Found by the executed-mutation suite: the packing algorithms read the constant weight and
   * bias at bind, so their shapes are checked there for every input shape (a dynamic input's
   * first check waits for execute), with InvalidArgument instead of a packer's exception.
   */
  @Test
  void aConstantWeightWithAnEmptyKernelOrAMismatchedBiasIsRefusedAtBind() {
    TensorImpl x = data.random(ScalarType.FLOAT, 1, 4, 5, 5);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 4L * 25 * 4, 1, 1, 1, 1);
    TensorImpl emptyKernel = constant(data.random(ScalarType.FLOAT, 4, 4, 3, 0));
    TensorImpl wt = constant(data.random(ScalarType.FLOAT, 4, 4, 3, 3));
    TensorImpl shortBias = constant(data.random(ScalarType.FLOAT, 3));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> bind("aten::convolution.out", v(x), v(emptyKernel), none(), ints(1, 1), ints(1, 1), ints(1, 1),
                b(false), ints(0, 0), i(1), v(out), v(out)))
        .isInstanceOf(org.et4j.runtime.ExecuTorchException.class)
        .hasMessageContaining("empty kernel");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> bind("aten::convolution.out", v(x), v(wt), v(shortBias), ints(1, 1), ints(1, 1), ints(1, 1),
                b(false), ints(0, 0), i(1), v(out), v(out)))
        .isInstanceOf(org.et4j.runtime.ExecuTorchException.class)
        .hasMessageContaining("one per output channel");
    TensorImpl depthwise = constant(data.random(ScalarType.FLOAT, 4, 1, 3, 3));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> bind("aten::convolution.out", v(x), v(depthwise), v(shortBias), ints(1, 1), ints(1, 1), ints(1, 1),
                b(false), ints(0, 0), i(4), v(out), v(out)))
        .isInstanceOf(org.et4j.runtime.ExecuTorchException.class)
        .hasMessageContaining("one per output channel");
  }

  @Test
  void constantWeightConvolutionMatchesTheDefinitionAndTheUnpackedPath() {
    for (Conv cs : convCases()) {
      constantMatchesNonConstant(cs, false, false);
    }
  }

  @Test
  void constantWeightConvolutionChannelsLastInPlace() {
    for (Conv cs : convCases()) {
      constantMatchesNonConstant(cs, true, cs.c % 2 == 0);
    }
  }

  @Test
  void constantWeightOneDimensionalConvolution() {
    for (int c : new int[] {1, 7, 16, 17}) {
      for (int groups : new int[] {1, c}) {
        int oc = groups == 1 ? 9 : c;
        TensorImpl x = data.random(ScalarType.FLOAT, 2, c, 13);
        TensorImpl wt = constant(data.random(ScalarType.FLOAT, oc, c / groups, 3));
        TensorImpl bias = constant(data.random(ScalarType.FLOAT, oc));
        TensorImpl out = dynamicOut(ScalarType.FLOAT, 2L * oc * 13, 1, 1, 1);
        KernelCall call =
            bind("aten::convolution.out", v(x), v(wt), v(bias), ints(2), ints(1), ints(2),
                b(false), ints(0), i(groups), v(out), v(out));
        sameBitsEveryRun("conv1d c=" + c, call, out);
        int ow = outSize(13, 3, 2, 1, 2);
        assertThat(out.sizes()).containsExactly(2, oc, ow);
        for (int bi = 0; bi < 2; bi++) {
          for (int o = 0; o < oc; o++) {
            int g = o / (oc / groups);
            for (int xx = 0; xx < ow; xx++) {
              double s = at(bias, o);
              for (int ci = 0; ci < c / groups; ci++) {
                for (int kx = 0; kx < 3; kx++) {
                  int ix = xx * 2 - 1 + kx * 2;
                  if (ix >= 0 && ix < 13) {
                    s += at(x, bi, g * (c / groups) + ci, ix) * at(wt, o, ci, kx);
                  }
                }
              }
              assertThat(at(out, bi, o, xx)).as("conv1d c=%d groups=%d", c, groups)
                  .isCloseTo(s, org.assertj.core.data.Offset.offset(1e-5 * c));
            }
          }
        }
      }
    }
  }

  // ---- linear, addmm, mm ----

  private static final int[] ROWS = {1, 3, 8, 17};
  private static final int[] INNER = {1, 7, 16, 33};
  private static final int[] COLS = {1, 9, 15, 16, 17, 33};

  private static double[] product(TensorImpl a, TensorImpl b, boolean bTransposed, TensorImpl bias) {
    int m = a.size(0);
    int k = a.size(1);
    int n = bTransposed ? b.size(0) : b.size(1);
    double[] r = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = bias == null ? 0 : Elements.readDouble(ScalarType.FLOAT, bias.data(), j);
        for (int p = 0; p < k; p++) {
          s += at(a, i, p) * (bTransposed ? at(b, j, p) : at(b, p, j));
        }
        r[i * n + j] = s;
      }
    }
    return r;
  }

  @Test
  void constantWeightLinear() {
    for (int m : ROWS) {
      for (int k : INNER) {
        for (int n : COLS) {
          TensorImpl x = data.random(ScalarType.FLOAT, m, k);
          TensorImpl w = data.random(ScalarType.FLOAT, n, k);
          TensorImpl bias = data.random(ScalarType.FLOAT, n);
          for (boolean constant : new boolean[] {true, false}) {
            TensorImpl out = dynamicOut(ScalarType.FLOAT, (long) m * n, 1, 1);
            KernelCall call =
                bind("aten::linear.out", v(x), v(constant ? constant(w) : w),
                    v(constant ? constant(bias) : bias), v(out), v(out));
            String what = "linear m=" + m + " k=" + k + " n=" + n + (constant ? " constant" : "");
            sameBitsEveryRun(what, call, out);
            NnTestTensors.assertClose(what, out, product(x, w, true, bias), 2e-6 * k);
          }
        }
      }
    }
  }

  @Test
  void constantWeightMmAndAddmm() {
    for (int m : ROWS) {
      for (int k : INNER) {
        for (int n : COLS) {
          TensorImpl x = data.random(ScalarType.FLOAT, m, k);
          TensorImpl w = data.random(ScalarType.FLOAT, k, n);
          TensorImpl bias = data.random(ScalarType.FLOAT, n);
          String shape = " m=" + m + " k=" + k + " n=" + n;
          for (boolean constant : new boolean[] {true, false}) {
            TensorImpl wt = constant ? constant(w) : w;
            TensorImpl mmOut = dynamicOut(ScalarType.FLOAT, (long) m * n, 1, 1);
            sameBitsEveryRun("mm" + shape, bind("aten::mm.out", v(x), v(wt), v(mmOut), v(mmOut)), mmOut);
            NnTestTensors.assertClose("mm" + shape, mmOut, product(x, w, false, null), 2e-6 * k);
            TensorImpl addOut = dynamicOut(ScalarType.FLOAT, (long) m * n, 1, 1);
            KernelCall addmm =
                bind("aten::addmm.out", v(constant ? constant(bias) : bias), v(x), v(wt), d(1), d(1),
                    v(addOut), v(addOut));
            sameBitsEveryRun("addmm" + shape, addmm, addOut);
            NnTestTensors.assertClose("addmm" + shape, addOut, product(x, w, false, bias), 2e-6 * k);
          }
        }
      }
    }
  }

  /**
   * ExecuTorch's exported linear layer: {@code addmm(bias, x, permute_copy(weight, [1, 0]))}. The
   * permuted copy of a constant is recorded as such, addmm packs the constant itself at bind, and
   * the result is the product whatever the planned copy holds later (it is written each call).
   */
  @Test
  void addmmPacksThePermutedConstantOnce() {
    int m = 5;
    int k = 17;
    int n = 9;
    TensorImpl weight = constant(data.random(ScalarType.FLOAT, n, k));
    TensorImpl bias = constant(data.random(ScalarType.FLOAT, n));
    TensorImpl x = data.random(ScalarType.FLOAT, m, k);
    TensorImpl permuted = empty(ScalarType.FLOAT, k, n);
    KernelCall permute =
        bind("aten::permute_copy.out", v(weight), ints(1, 0), v(permuted), v(permuted));
    assertThat(permuted.constantDerivation()).isNotNull();
    assertThat(permuted.constantDerivation().constant()).isSameAs(weight);
    assertThat(permuted.constantDerivation().isTranspose()).isTrue();
    TensorImpl out = dynamicOut(ScalarType.FLOAT, (long) m * n, 1, 1);
    KernelCall addmm =
        bind("aten::addmm.out", v(bias), v(x), v(permuted), d(1), d(1), v(out), v(out));
    Context ctx = new Context();
    permute.execute(ctx);
    // Scribble on the planned copy: the packed operand came from the constant at bind.
    permuted.data().fill((byte) 0x7f);
    addmm.execute(ctx);
    NnTestTensors.assertClose("addmm of permute_copy", out, product(x, weight, true, bias), 2e-6 * k);
  }

  @Test
  void aPermutedPlannedTensorIsNotAConstant() {
    TensorImpl weight = data.random(ScalarType.FLOAT, 4, 3);
    TensorImpl permuted = empty(ScalarType.FLOAT, 3, 4);
    bind("aten::permute_copy.out", v(weight), ints(1, 0), v(permuted), v(permuted));
    assertThat(permuted.constantDerivation()).isNull();
    TensorImpl tOut = empty(ScalarType.FLOAT, 3, 4);
    bind("aten::t_copy.out", v(constant(weight)), v(tOut), v(tOut));
    assertThat(tOut.constantDerivation()).isNotNull();
  }
}
