package org.et4j.kernels.portable.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.portable.nn.NnTestTensors.at;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.i;
import static org.et4j.kernels.testing.OpHarness.ints;
import static org.et4j.kernels.testing.OpHarness.none;
import static org.et4j.kernels.testing.OpHarness.v;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/** {@code aten::convolution.out} against the definition, evaluated here in double. */
class ConvolutionOpTest {
  private final NnTestTensors data = new NnTestTensors(11);

  /** One case: NCHW sizes, kernel, parameters as (h, w) pairs. */
  private record Case(
      int n, int c, int h, int w, int oc, int kh, int kw, int[] stride, int[] pad, int[] dil,
      int groups, boolean bias) {}

  private static final Case[] CASES = {
    new Case(1, 3, 7, 9, 8, 3, 3, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 1, true),
    new Case(2, 4, 9, 8, 5, 3, 2, new int[] {2, 1}, new int[] {0, 1}, new int[] {1, 1}, 1, false),
    new Case(1, 2, 11, 10, 3, 3, 3, new int[] {1, 2}, new int[] {1, 0}, new int[] {2, 2}, 1, true),
    new Case(1, 4, 6, 6, 6, 3, 3, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2, true),
    // depthwise, channel multiplier 2
    new Case(2, 3, 8, 7, 6, 3, 3, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 3, true),
    // 1x1, unit stride: the GEMM reads the input directly
    new Case(2, 16, 5, 7, 33, 1, 1, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1, true),
    new Case(1, 17, 9, 9, 9, 5, 5, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, 1, true),
  };

  private static int outSize(int in, int k, int s, int p, int d) {
    return (in + 2 * p - d * (k - 1) - 1) / s + 1;
  }

  private static double[] reference(Case cs, TensorImpl x, TensorImpl wt, TensorImpl bias) {
    int oh = outSize(cs.h, cs.kh, cs.stride[0], cs.pad[0], cs.dil[0]);
    int ow = outSize(cs.w, cs.kw, cs.stride[1], cs.pad[1], cs.dil[1]);
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
                  int iy = y * cs.stride[0] - cs.pad[0] + ky * cs.dil[0];
                  int ix = xx * cs.stride[1] - cs.pad[1] + kx * cs.dil[1];
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

  private void run(Case cs, ScalarType t, boolean channelsLast) {
    run(cs, t, channelsLast, false);
  }

  private void run(Case cs, ScalarType t, boolean channelsLast, boolean weightChannelsLast) {
    TensorImpl x =
        channelsLast
            ? data.randomChannelsLast(t, cs.n, cs.c, cs.h, cs.w)
            : data.random(t, cs.n, cs.c, cs.h, cs.w);
    TensorImpl wt =
        weightChannelsLast
            ? data.randomChannelsLast(t, cs.oc, cs.c / cs.groups, cs.kh, cs.kw)
            : data.random(t, cs.oc, cs.c / cs.groups, cs.kh, cs.kw);
    TensorImpl bias = cs.bias ? data.random(t, cs.oc) : null;
    long cap = (long) cs.n * cs.oc * cs.h * cs.w * 4;
    TensorImpl out =
        channelsLast
            ? NnTestTensors.channelsLastOut(t, cap, 1, 1, 1, 1)
            : dynamicOut(t, cap, 1, 1, 1, 1);
    call(
        "aten::convolution.out", v(x), v(wt), bias == null ? none() : v(bias),
        ints(cs.stride[0], cs.stride[1]), ints(cs.pad[0], cs.pad[1]), ints(cs.dil[0], cs.dil[1]),
        b(false), ints(0, 0), i(cs.groups), v(out), v(out));
    int k = cs.c / cs.groups * cs.kh * cs.kw;
    double tol = t == ScalarType.DOUBLE ? 1e-12 * k : 3e-6 * k;
    NnTestTensors.assertClose(
        cs + " " + t + (channelsLast ? " channels-last" : "") + (weightChannelsLast ? " weight channels-last" : ""), out,
        reference(cs, x, wt, bias), tol);
  }

  @Test
  void float32MatchesTheDefinition() {
    for (Case cs : CASES) {
      run(cs, ScalarType.FLOAT, false);
    }
  }

  @Test
  void float64TakesTheDirectLoops() {
    for (Case cs : CASES) {
      run(cs, ScalarType.DOUBLE, false);
      run(cs, ScalarType.DOUBLE, true);
    }
  }

  @Test
  void channelsLastFloat32WithEitherWeightOrder() {
    for (Case cs : CASES) {
      run(cs, ScalarType.FLOAT, true, false);
      run(cs, ScalarType.FLOAT, true, true);
    }
  }

  @Test
  void oneDimensionalConvolution() {
    TensorImpl x = data.random(ScalarType.FLOAT, 2, 3, 10);
    TensorImpl wt = data.random(ScalarType.FLOAT, 4, 3, 3);
    TensorImpl bias = data.random(ScalarType.FLOAT, 4);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 100, 1, 1, 1);
    call("aten::convolution.out", v(x), v(wt), v(bias), ints(2), ints(1), ints(1), b(false),
        ints(0), i(1), v(out), v(out));
    assertThat(out.sizes()).containsExactly(2, 4, 5);
    double[] expected = new double[2 * 4 * 5];
    for (int bi = 0; bi < 2; bi++) {
      for (int o = 0; o < 4; o++) {
        for (int y = 0; y < 5; y++) {
          double s = at(bias, o);
          for (int ci = 0; ci < 3; ci++) {
            for (int kx = 0; kx < 3; kx++) {
              int ix = y * 2 - 1 + kx;
              if (ix >= 0 && ix < 10) {
                s += at(x, bi, ci, ix) * at(wt, o, ci, kx);
              }
            }
          }
          expected[(bi * 4 + o) * 5 + y] = s;
        }
      }
    }
    NnTestTensors.assertClose("conv1d", out, expected, 1e-5);
  }

  @Test
  void transposedConvolution() {
    // input [1, 4, 5, 6], weight [C_in=4, OC/groups=3, 3, 3], groups 2 -> 6 output channels.
    int[][] params = {{2, 1, 1, 1}, {1, 0, 0, 1}, {2, 0, 1, 2}}; // stride, pad, output_padding, groups
    for (ScalarType t : new ScalarType[] {ScalarType.FLOAT, ScalarType.DOUBLE}) {
      for (int[] p : params) {
        int s = p[0];
        int pad = p[1];
        int op = p[2];
        int groups = p[3];
        int c = 4;
        int h = 5;
        int w = 6;
        int ocg = 3;
        int oc = ocg * groups;
        TensorImpl x = data.random(t, 1, c, h, w);
        TensorImpl wt = data.random(t, c, ocg, 3, 3);
        TensorImpl bias = data.random(t, oc);
        int oh = (h - 1) * s - 2 * pad + 2 + op + 1;
        int ow = (w - 1) * s - 2 * pad + 2 + op + 1;
        TensorImpl out = dynamicOut(t, 4096, 1, 1, 1, 1);
        call("aten::convolution.out", v(x), v(wt), v(bias), ints(s, s), ints(pad, pad), ints(1, 1),
            b(true), ints(op, op), i(groups), v(out), v(out));
        assertThat(out.sizes()).containsExactly(1, oc, oh, ow);
        double[] expected = new double[oc * oh * ow];
        for (int o = 0; o < oc; o++) {
          for (int q = 0; q < oh * ow; q++) {
            expected[o * oh * ow + q] = at(bias, o);
          }
        }
        int cg = c / groups;
        for (int ci = 0; ci < c; ci++) {
          int g = ci / cg;
          for (int iy = 0; iy < h; iy++) {
            for (int ix = 0; ix < w; ix++) {
              for (int o = 0; o < ocg; o++) {
                for (int ky = 0; ky < 3; ky++) {
                  for (int kx = 0; kx < 3; kx++) {
                    int y = iy * s - pad + ky;
                    int xx = ix * s - pad + kx;
                    if (y >= 0 && y < oh && xx >= 0 && xx < ow) {
                      expected[((g * ocg + o) * oh + y) * ow + xx] +=
                          at(x, 0, ci, iy, ix) * at(wt, ci, o, ky, kx);
                    }
                  }
                }
              }
            }
          }
        }
        NnTestTensors.assertClose("transposed " + t + " " + java.util.Arrays.toString(p), out,
            expected, 1e-5);
      }
    }
  }

  @Test
  void mismatchedChannelsAreInvalidArguments() {
    TensorImpl x = data.random(ScalarType.FLOAT, 1, 3, 5, 5);
    TensorImpl wt = data.random(ScalarType.FLOAT, 4, 2, 3, 3);
    TensorImpl out = dynamicOut(ScalarType.FLOAT, 1000, 1, 1, 1, 1);
    assertThatThrownBy(() -> call("aten::convolution.out", v(x), v(wt), none(), ints(1, 1),
            ints(0, 0), ints(1, 1), b(false), ints(0, 0), i(1), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("aten::convolution.out")
        .hasMessageContaining("[1, 3, 5, 5]")
        .hasMessageContaining("[4, 2, 3, 3]");
    assertThatThrownBy(() -> call("aten::convolution.out", v(x), v(wt), none(), ints(1, 1, 1),
            ints(0, 0), ints(1, 1), b(false), ints(0, 0), i(1), v(out), v(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("stride");
  }
}
