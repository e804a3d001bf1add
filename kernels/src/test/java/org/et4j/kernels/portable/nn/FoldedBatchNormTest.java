package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.BatchNormFold;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/**
 * A convolution that folds the batch norm after it ({@link BatchNormFold}, offered by the loader)
 * against the same two kernels run one after the other, as ExecuTorch runs them.
 */
class FoldedBatchNormTest {
  private static final String CONV = "aten::convolution.out";
  private static final String BN = "aten::_native_batch_norm_legit_no_training.out";
  private static final ScalarType F = ScalarType.FLOAT;
  private static final Arena ARENA = Arena.ofAuto();
  private static final double EPS = 1e-5;

  private final SplittableRandom random = new SplittableRandom(29);

  /** NCHW input, OIHW weight, (h, w) stride, padding, dilation. */
  private record Case(
      int n, int c, int h, int w, int oc, int kh, int kw, int stride, int pad, int dil, int groups, boolean bias) {
    int oh() {
      return (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1;
    }

    int ow() {
      return (w + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
    }
  }

  private static final Case[] CASES = {
    new Case(1, 3, 7, 9, 8, 3, 3, 1, 1, 1, 1, true),
    new Case(2, 4, 9, 8, 5, 3, 3, 2, 0, 1, 1, false),
    // dilation
    new Case(1, 2, 11, 10, 3, 3, 3, 1, 2, 2, 1, true),
    // groups
    new Case(1, 4, 6, 6, 6, 3, 3, 1, 1, 1, 2, true),
    // depthwise, multiplier 1 (mobilenet's) and 2
    new Case(1, 8, 9, 9, 8, 3, 3, 2, 1, 1, 8, false),
    new Case(2, 3, 8, 7, 6, 3, 3, 1, 1, 1, 3, true),
    // 1x1 pointwise: a plain GEMM over the input
    new Case(2, 16, 5, 7, 33, 1, 1, 1, 0, 1, 1, false),
  };

  /** A contiguous float32 tensor of values in [lo, hi); a program constant when asked. */
  private TensorImpl tensor(boolean constant, double lo, double hi, int... sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    MemorySegment data = ARENA.allocate(Math.max(1, n) * 4, 64);
    for (long k = 0; k < n; k++) {
      data.setAtIndex(Elements.F32, k, (float) random.nextDouble(lo, hi));
    }
    int[] order = new int[sizes.length];
    for (int k = 0; k < order.length; k++) {
      order[k] = k;
    }
    return constant
        ? TensorImpl.programConstant(F, sizes, order, data.asSlice(0, n * 4))
        : TensorImpl.contiguous(F, sizes, data.asSlice(0, n * 4));
  }

  private static TensorImpl zeros(int... sizes) {
    return OpHarness.empty(F, sizes);
  }

  /** Everything one conv -> batch norm pair reads. */
  private final class Pair {
    final Case cs;
    final TensorImpl x;
    final TensorImpl weight;
    final TensorImpl bias;
    final TensorImpl gamma;
    final TensorImpl beta;
    final TensorImpl mean;
    final TensorImpl var;

    Pair(Case cs, boolean constantWeight, boolean channelsLastInput) {
      this.cs = cs;
      this.x = channelsLastInput
          ? new NnTestTensors(random.nextLong()).randomChannelsLast(F, cs.n, cs.c, cs.h, cs.w)
          : tensor(false, -1, 1, cs.n, cs.c, cs.h, cs.w);
      this.weight = tensor(constantWeight, -1, 1, cs.oc, cs.c / cs.groups, cs.kh, cs.kw);
      this.bias = cs.bias ? tensor(true, -1, 1, cs.oc) : null;
      this.gamma = tensor(true, -2, 2, cs.oc);
      this.beta = tensor(true, -1, 1, cs.oc);
      this.mean = tensor(true, -0.5, 0.5, cs.oc);
      this.var = tensor(true, 0.01, 3, cs.oc);
    }

    TensorImpl convOut() {
      return x.isContiguous()
          ? zeros(cs.n, cs.oc, cs.oh(), cs.ow())
          : new TensorImpl(F, new int[] {cs.n, cs.oc, cs.oh(), cs.ow()}, new int[] {0, 2, 3, 1},
              org.et4j.runtime.ShapeDynamism.STATIC,
              ARENA.allocate((long) cs.n * cs.oc * cs.oh() * cs.ow() * 4, 64),
              (long) cs.n * cs.oc * cs.oh() * cs.ow() * 4);
    }

    KernelCall bindConv(TensorImpl out) {
      Value[] args = {
        v(x), v(weight), bias == null ? none() : v(bias), ints(cs.stride, cs.stride), ints(cs.pad, cs.pad),
        ints(cs.dil, cs.dil), b(false), ints(0, 0), i(cs.groups), v(out), v(out)
      };
      return OpHarness.registry().lookup(CONV).bind(args);
    }

    KernelCall bindBatchNorm(TensorImpl in, TensorImpl out0, TensorImpl out1, TensorImpl out2) {
      Value[] args = {v(in), v(gamma), v(beta), v(mean), v(var), d(0.1), d(EPS), v(out0), v(out1), v(out2),
        OpHarness.tensors(out0, out1, out2)};
      return OpHarness.registry().lookup(BN).bind(args);
    }

    /** Runs conv then batch norm, bound in program order as the loader binds them. */
    TensorImpl run(boolean offer, BatchNormFold[] offered) {
      TensorImpl y = convOut();
      TensorImpl z = zeros(cs.n, cs.oc, cs.oh(), cs.ow());
      TensorImpl m = OpHarness.dynamicOut(F, 3, 3);
      TensorImpl s = OpHarness.dynamicOut(F, 3, 3);
      if (offer) {
        offered[0] = new BatchNormFold(gamma, beta, mean, var, EPS, z);
        y.offerBatchNormFold(offered[0]);
      }
      KernelCall conv = bindConv(y);
      KernelCall bn = bindBatchNorm(y, z, m, s);
      conv.execute(OpHarness.context());
      bn.execute(OpHarness.context());
      assertThat(m.sizes()).containsExactly(0);
      assertThat(s.sizes()).containsExactly(0);
      lastConvOut = y;
      return z;
    }

    TensorImpl lastConvOut;

    /**
     * Per output element, a bound on the difference of the two float evaluations: each does at
     * most K + 4 roundings of terms no larger than |gamma * invstd| * (sum |x * w| + |b| + |mean|)
     * + |beta|, so both lie within (K + 4) * 2^-24 of that magnitude (relative) of the exact value.
     */
    double[] tolerance() {
      int oh = cs.oh();
      int ow = cs.ow();
      int cg = cs.c / cs.groups;
      int ocg = cs.oc / cs.groups;
      int k = cg * cs.kh * cs.kw;
      double[] tol = new double[cs.n * cs.oc * oh * ow];
      for (int bi = 0; bi < cs.n; bi++) {
        for (int o = 0; o < cs.oc; o++) {
          double invstd = 1.0 / Math.sqrt(NnTestTensors.at(var, o) + EPS);
          double scale = Math.abs(NnTestTensors.at(gamma, o) * invstd);
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              double sum = Math.abs(bias == null ? 0 : NnTestTensors.at(bias, o)) + Math.abs(NnTestTensors.at(mean, o));
              for (int ci = 0; ci < cg; ci++) {
                for (int ky = 0; ky < cs.kh; ky++) {
                  for (int kx = 0; kx < cs.kw; kx++) {
                    int iy = yy * cs.stride - cs.pad + ky * cs.dil;
                    int ix = xx * cs.stride - cs.pad + kx * cs.dil;
                    if (iy >= 0 && iy < cs.h && ix >= 0 && ix < cs.w) {
                      sum += Math.abs(NnTestTensors.at(x, bi, (o / ocg) * cg + ci, iy, ix)
                          * NnTestTensors.at(weight, o, ci, ky, kx));
                    }
                  }
                }
              }
              double magnitude = scale * sum + Math.abs(NnTestTensors.at(beta, o));
              tol[((bi * cs.oc + o) * oh + yy) * ow + xx] = 2 * (k + 4) * 0x1p-24 * magnitude;
            }
          }
        }
      }
      return tol;
    }
  }

  private static void assertWithin(String what, TensorImpl actual, TensorImpl expected, double[] tol) {
    assertThat(actual.sizes()).as(what).containsExactly(expected.sizes());
    for (int k = 0; k < tol.length; k++) {
      double a = actual.data().getAtIndex(Elements.F32, k);
      double e = expected.data().getAtIndex(Elements.F32, k);
      assertThat(Math.abs(a - e)).as("%s element %d: %s vs %s", what, k, a, e).isLessThanOrEqualTo(tol[k]);
    }
  }

  private static boolean allZero(TensorImpl t) {
    for (long k = 0; k < t.numel(); k++) {
      if (t.data().getAtIndex(Elements.F32, k) != 0f) {
        return false;
      }
    }
    return true;
  }

  @Test
  void foldedMatchesConvolutionThenBatchNorm() {
    for (Case cs : CASES) {
      Pair p = new Pair(cs, true, false);
      TensorImpl unfolded = p.run(false, null);
      assertThat(allZero(p.lastConvOut)).as(cs + " unfolded conv writes its output").isFalse();
      BatchNormFold[] offered = new BatchNormFold[1];
      TensorImpl folded = p.run(true, offered);
      assertThat(offered[0].accepted()).as(cs + " folds").isTrue();
      // The folded convolution writes only the batch norm's out0.
      assertThat(allZero(p.lastConvOut)).as(cs + " conv output untouched").isTrue();
      assertWithin(cs.toString(), folded, unfolded, p.tolerance());
    }
  }

  @Test
  void aChangingWeightIsNotFolded() {
    Pair p = new Pair(CASES[0], false, false);
    TensorImpl unfolded = p.run(false, null);
    BatchNormFold[] offered = new BatchNormFold[1];
    TensorImpl result = p.run(true, offered);
    assertThat(offered[0].accepted()).isFalse();
    assertThat(allZero(p.lastConvOut)).isFalse();
    // Not folded: the same two kernels, the same bits.
    assertWithin("unfolded", result, unfolded, new double[(int) unfolded.numel()]);
  }

  @Test
  void aChannelsLastConvolutionIsNotFolded() {
    // Channels-last calls read the input in place while writing: out0 may share its memory.
    // (The batch norm itself takes only the contiguous order; the convolution is what is checked.)
    Pair p = new Pair(CASES[0], true, true);
    TensorImpl y = p.convOut();
    BatchNormFold offer =
        new BatchNormFold(p.gamma, p.beta, p.mean, p.var, EPS, zeros(p.cs.n, p.cs.oc, p.cs.oh(), p.cs.ow()));
    y.offerBatchNormFold(offer);
    p.bindConv(y).execute(OpHarness.context());
    assertThat(offer.accepted()).isFalse();
    assertThat(allZero(y)).isFalse();
    assertThat(allZero(offer.out())).isTrue();
  }

  @Test
  void mismatchedParametersAreNotFolded() {
    Pair p = new Pair(CASES[0], true, false);
    TensorImpl y = p.convOut();
    TensorImpl z = zeros(p.cs.n, p.cs.oc, p.cs.oh(), p.cs.ow());
    // a running mean with one value too many: the batch norm, unfolded, refuses it when it runs
    BatchNormFold offer = new BatchNormFold(p.gamma, p.beta, tensor(true, 0, 1, p.cs.oc + 1), p.var, EPS, z);
    y.offerBatchNormFold(offer);
    p.bindConv(y).execute(OpHarness.context());
    assertThat(offer.accepted()).isFalse();
    assertThat(allZero(y)).isFalse();
    // out0 of another shape
    TensorImpl y2 = p.convOut();
    BatchNormFold offer2 = new BatchNormFold(p.gamma, p.beta, p.mean, p.var, EPS, zeros(1, p.cs.oc, 1, 1));
    y2.offerBatchNormFold(offer2);
    p.bindConv(y2);
    assertThat(offer2.accepted()).isFalse();
  }
}
