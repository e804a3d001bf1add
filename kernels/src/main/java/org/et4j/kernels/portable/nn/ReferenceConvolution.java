package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * ExecuTorch's direct convolution loops ({@code op_convolution.cpp}'s {@code conv2d_impl}), for
 * every dtype and dim order, transposed or not: each tensor is indexed through its strides and
 * each output summed in the element type's own arithmetic, in ExecuTorch's order (input channel,
 * kernel row, kernel column; padding taps skipped, never multiplied; the bias added last): float32
 * in float (each product and each partial sum rounded to float, so a partial sum that overflows is
 * +-inf as ExecuTorch's is), float64 in double, integers, float16 and bfloat16 by {@link
 * ElementTypeConvolution}. The scalar reference of this package's convolution algorithms, and the
 * path of everything they do not cover (other dtypes, mixed dim orders, transposed channels-last,
 * a non-finite weight under padding: {@link #paddingMatters}).
 */
final class ReferenceConvolution {
  private ReferenceConvolution() {}

  static void run(ConvolutionShape g) {
    boolean transposed = g.transposed;
    TensorImpl in = g.in;
    TensorImpl weight = g.weight;
    TensorImpl bias = g.bias;
    TensorImpl out = g.out;
    int n = g.batch;
    int h = g.height;
    int w = g.width;
    int oh = g.outH;
    int ow = g.outW;
    ScalarType t = in.dtype();
    long[] is = strides4(in);
    long[] ws = strides4(weight);
    long[] os = strides4(out);
    if (ElementTypeMatmul.handles(t)) {
      // integers, float16 and bfloat16 with their element-type arithmetic
      ElementTypeConvolution.direct(
          in, weight, bias, out, is, ws, os,
          new ElementTypeConvolution.Geometry(
              g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW),
          g.groups, transposed, n, g.channels, h, w, g.kernelH, g.kernelW, g.outChannels, oh, ow);
      return;
    }
    if (t == ScalarType.FLOAT) {
      runFloat(g, is, ws, os);
      return;
    }
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    int cg = g.groupChannels();
    int ocg = g.groupOutChannels();
    int oc = g.outChannels;
    int kH = g.kernelH;
    int kW = g.kernelW;
    if (transposed) {
      // The output accumulates scattered products: start from the bias (or 0).
      for (int bi = 0; bi < n; bi++) {
        for (int o = 0; o < oc; o++) {
          double bv = bias == null ? 0 : Elements.readDouble(bias.dtype(), bias.data(), o);
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              Elements.writeDouble(t, y, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], bv);
            }
          }
        }
      }
    }
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < g.groups; gi++) {
        for (int o = gi * ocg; o < (gi + 1) * ocg; o++) {
          if (!transposed) {
            double bv = bias == null ? 0 : Elements.readDouble(bias.dtype(), bias.data(), o);
            for (int yy = 0; yy < oh; yy++) {
              for (int xx = 0; xx < ow; xx++) {
                double acc = 0;
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  for (int ky = 0; ky < kH; ky++) {
                    int iy = g.strideH * yy + g.dilationH * ky - g.padH;
                    if (iy < 0 || iy >= h) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int ix = g.strideW * xx + g.dilationW * kx - g.padW;
                      if (ix >= 0 && ix < w) {
                        acc +=
                            Elements.readDouble(t, x, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3])
                                * Elements.readDouble(
                                    t, wt, o * ws[0] + (ci - gi * cg) * ws[1] + ky * ws[2] + kx * ws[3]);
                      }
                    }
                  }
                }
                Elements.writeDouble(
                    t, y, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], acc + bv);
              }
            }
          } else {
            int oInGroup = o - gi * ocg;
            for (int iy = 0; iy < h; iy++) {
              for (int ix = 0; ix < w; ix++) {
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  double xv =
                      Elements.readDouble(t, x, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3]);
                  for (int ky = 0; ky < kH; ky++) {
                    int yy = g.strideH * iy + g.dilationH * ky - g.padH;
                    if (yy < 0 || yy >= oh) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int xx = g.strideW * ix + g.dilationW * kx - g.padW;
                      if (xx >= 0 && xx < ow) {
                        long oi = bi * os[0] + o * os[1] + yy * os[2] + xx * os[3];
                        double wv =
                            Elements.readDouble(
                                t, wt, ci * ws[0] + oInGroup * ws[1] + ky * ws[2] + kx * ws[3]);
                        Elements.writeDouble(t, y, oi, Elements.readDouble(t, y, oi) + xv * wv);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /**
   * Whether skipping the padding taps (as these loops do) can give another result than multiplying
   * them by zero (as the im2col and packed algorithms do): only when the call pads and the weight
   * holds an infinity or NaN ({@code inf * 0} is NaN where ExecuTorch adds nothing). A transposed
   * convolution's padding crops its output instead: no tap meets a zero there. float32 weights only.
   */
  static boolean paddingMatters(ConvolutionShape g) {
    return paddingMatters(g.weight, g.transposed, g.padH != 0 || g.padW != 0);
  }

  static boolean paddingMatters(TensorImpl weight, boolean transposed, boolean padded) {
    if (transposed || !padded) {
      return false;
    }
    MemorySegment wt = weight.data();
    long n = weight.numel();
    for (long i = 0; i < n; i++) {
      if (!Float.isFinite(wt.getAtIndex(Elements.F32, i))) {
        return true;
      }
    }
    return false;
  }

  /** float32 in float: ExecuTorch's {@code CTYPE accum} arithmetic, product and sum each rounded. */
  private static void runFloat(ConvolutionShape g, long[] is, long[] ws, long[] os) {
    TensorImpl bias = g.bias;
    MemorySegment x = g.in.data();
    MemorySegment wt = g.weight.data();
    MemorySegment y = g.out.data();
    int n = g.batch;
    int h = g.height;
    int w = g.width;
    int oh = g.outH;
    int ow = g.outW;
    int cg = g.groupChannels();
    int ocg = g.groupOutChannels();
    int oc = g.outChannels;
    int kH = g.kernelH;
    int kW = g.kernelW;
    if (g.transposed) {
      for (int bi = 0; bi < n; bi++) {
        for (int o = 0; o < oc; o++) {
          float bv = bias == null ? 0f : (float) Elements.readDouble(bias.dtype(), bias.data(), o);
          for (int yy = 0; yy < oh; yy++) {
            for (int xx = 0; xx < ow; xx++) {
              y.setAtIndex(Elements.F32, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], bv);
            }
          }
        }
      }
    }
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < g.groups; gi++) {
        for (int o = gi * ocg; o < (gi + 1) * ocg; o++) {
          if (!g.transposed) {
            for (int yy = 0; yy < oh; yy++) {
              for (int xx = 0; xx < ow; xx++) {
                float acc = 0f;
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  for (int ky = 0; ky < kH; ky++) {
                    int iy = g.strideH * yy + g.dilationH * ky - g.padH;
                    if (iy < 0 || iy >= h) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int ix = g.strideW * xx + g.dilationW * kx - g.padW;
                      if (ix >= 0 && ix < w) {
                        float xv = x.getAtIndex(Elements.F32, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3]);
                        float wv = wt.getAtIndex(
                            Elements.F32, o * ws[0] + (ci - gi * cg) * ws[1] + ky * ws[2] + kx * ws[3]);
                        acc += xv * wv;
                      }
                    }
                  }
                }
                if (bias != null) {
                  acc += (float) Elements.readDouble(bias.dtype(), bias.data(), o);
                }
                y.setAtIndex(Elements.F32, bi * os[0] + o * os[1] + yy * os[2] + xx * os[3], acc);
              }
            }
          } else {
            int oInGroup = o - gi * ocg;
            for (int iy = 0; iy < h; iy++) {
              for (int ix = 0; ix < w; ix++) {
                for (int ci = gi * cg; ci < (gi + 1) * cg; ci++) {
                  float xv = x.getAtIndex(Elements.F32, bi * is[0] + ci * is[1] + iy * is[2] + ix * is[3]);
                  for (int ky = 0; ky < kH; ky++) {
                    int yy = g.strideH * iy + g.dilationH * ky - g.padH;
                    if (yy < 0 || yy >= oh) {
                      continue;
                    }
                    for (int kx = 0; kx < kW; kx++) {
                      int xx = g.strideW * ix + g.dilationW * kx - g.padW;
                      if (xx >= 0 && xx < ow) {
                        long oi = bi * os[0] + o * os[1] + yy * os[2] + xx * os[3];
                        float wv = wt.getAtIndex(
                            Elements.F32, ci * ws[0] + oInGroup * ws[1] + ky * ws[2] + kx * ws[3]);
                        y.setAtIndex(Elements.F32, oi, y.getAtIndex(Elements.F32, oi) + xv * wv);
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** Strides of a 3-D or 4-D tensor as 4-D {@code [N, C, H, W]} (H of a 1-D one: stride 0). */
  private static long[] strides4(TensorImpl t) {
    if (t.dim() == 4) {
      return t.strides();
    }
    return new long[] {t.stride(0), t.stride(1), 0, t.stride(2)};
  }
}
