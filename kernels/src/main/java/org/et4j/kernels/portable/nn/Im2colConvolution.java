package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * float32 convolution whose weight may change between calls (an input or computed weight): per
 * batch and group, an im2col copy of the receptive fields in the call's scratch memory, then one
 * {@link Sgemm} product with the bias added in its epilogue. In the default dim order the product
 * is {@code W[OCg, Cg*KH*KW] @ col[Cg*KH*KW, OH*OW]} ({@code col} is the input itself for a 1x1
 * unit-stride unpadded kernel); channels-last it is {@code col[OH*OW, K] @ W_g^T}. A constant
 * weight takes {@link IndirectConvolution} or {@link DepthwiseConvolution} instead, which pack it
 * once and copy no receptive fields.
 */
final class Im2colConvolution {
  private static final ValueLayout.OfFloat F32 = Elements.F32;

  private Im2colConvolution() {}

  /** Default dim order: per batch and group, {@code out_g = W_g @ col + bias}. */
  static void runNchw(KernelContext ctx, ConvolutionShape g) {
    TensorImpl in = g.in;
    TensorImpl weight = g.weight;
    TensorImpl bias = g.bias;
    TensorImpl out = g.out;
    int groups = g.groups;
    int n = g.batch;
    int c = g.channels;
    int h = g.height;
    int w = g.width;
    int kH = g.kernelH;
    int kW = g.kernelW;
    int oc = g.outChannels;
    int oh = g.outH;
    int ow = g.outW;
    int cg = c / groups;
    int ocg = oc / groups;
    int k = cg * kH * kW;
    int p = oh * ow;
    boolean direct =
        kH == 1 && kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0 && g.padW == 0;
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    MemorySegment b = bias == null ? null : bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < n; bi++) {
      for (int gi = 0; gi < groups; gi++) {
        long xOff = ((long) bi * c + (long) gi * cg) * h * w;
        MemorySegment src = x;
        long srcOff = xOff;
        if (!direct) {
          im2col(x, xOff, cg, h, w, kH, kW, g, oh, ow, col);
          src = col;
          srcOff = 0;
        }
        gemm.multiply(
            ocg, p, k, 1f,
            wt, (long) gi * ocg * k, k, false,
            src, srcOff, p, false,
            b == null ? 0f : 1f, b, (long) gi * ocg, 1, 0,
            y, ((long) bi * oc + (long) gi * ocg) * p, p);
      }
    }
  }

  /**
   * Channels-last: per batch and group, {@code out[OH*OW, OCg] (row stride OC) = col[OH*OW, K] @
   * W_g^T + bias}, the bias broadcast along rows in the GEMM's epilogue. Each row of {@code col} is
   * one output pixel's receptive field, ordered as the weight stores it: (ky, kx, c) for a
   * channels-last weight, so that each tap is a contiguous copy of Cg channels, or (c, ky, kx) for
   * a default-order one. A 1x1 unit-stride unpadded kernel without groups reads the input itself.
   */
  static void runChannelsLast(KernelContext ctx, ConvolutionShape g) {
    TensorImpl in = g.in;
    TensorImpl weight = g.weight;
    TensorImpl bias = g.bias;
    TensorImpl out = g.out;
    int groups = g.groups;
    int n = g.batch;
    int c = g.channels;
    int h = g.height;
    int w = g.width;
    int kH = g.kernelH;
    int kW = g.kernelW;
    int oc = g.outChannels;
    int oh = g.outH;
    int ow = g.outW;
    int cg = c / groups;
    int ocg = oc / groups;
    int k = cg * kH * kW;
    int p = oh * ow;
    boolean weightLast = !weight.isContiguous();
    boolean direct =
        groups == 1 && kH == 1 && kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0
            && g.padW == 0;
    MemorySegment x = in.data();
    MemorySegment wt = weight.data();
    MemorySegment y = out.data();
    MemorySegment b = bias == null ? null : bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < n; bi++) {
      long xBase = (long) bi * h * w * c;
      for (int gi = 0; gi < groups; gi++) {
        MemorySegment src = x;
        long srcOff = xBase;
        long lda = c;
        if (!direct) {
          im2colNhwc(x, xBase, c, gi * cg, cg, h, w, kH, kW, g, oh, ow, weightLast, col);
          src = col;
          srcOff = 0;
          lda = k;
        }
        gemm.multiply(
            p, ocg, k, 1f,
            src, srcOff, lda, false,
            wt, (long) gi * ocg * k, k, true,
            b == null ? 0f : 1f, b, (long) gi * ocg, 0, 1,
            y, (long) bi * p * oc + (long) gi * ocg, oc);
      }
    }
  }

  /** Builds the [OH*OW, Cg*kH*kW] receptive-field matrix of one group of an NHWC image. */
  private static void im2colNhwc(
      MemorySegment x, long xBase, int c, int c0, int cg, int h, int w, int kH, int kW, ConvolutionShape g,
      int oh, int ow, boolean tapMajor, MemorySegment col) {
    long k = (long) cg * kH * kW;
    long row = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++, row++) {
        long dst = row * k;
        for (int ky = 0; ky < kH; ky++) {
          int iy = oy * g.strideH - g.padH + ky * g.dilationH;
          for (int kx = 0; kx < kW; kx++) {
            int ix = ox * g.strideW - g.padW + kx * g.dilationW;
            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
            long src = xBase + ((long) iy * w + ix) * c + c0;
            if (tapMajor) {
              long at = dst + ((long) ky * kW + kx) * cg;
              if (inside) {
                MemorySegment.copy(x, src * Float.BYTES, col, at * Float.BYTES, (long) cg * Float.BYTES);
              } else {
                for (int ci = 0; ci < cg; ci++) {
                  col.setAtIndex(F32, at + ci, 0f);
                }
              }
            } else {
              long tap = (long) ky * kW + kx;
              for (int ci = 0; ci < cg; ci++) {
                col.setAtIndex(F32, dst + ci * (long) kH * kW + tap,
                    inside ? x.getAtIndex(F32, src + ci) : 0f);
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@code col[(ci * kH + ky) * kW + kx][oy * ow + ox] = x[ci][oy*sH - pH + ky*dH][ox*sW - pW +
   * kx*dW]}, 0 where that falls in the padding. Rows of a unit-stride kernel are bulk copies.
   */
  private static void im2col(
      MemorySegment x, long xOff, int cg, int h, int w, int kH, int kW, ConvolutionShape g, int oh, int ow,
      MemorySegment col) {
    long p = (long) oh * ow;
    long row = 0;
    for (int ci = 0; ci < cg; ci++) {
      long plane = xOff + (long) ci * h * w;
      for (int ky = 0; ky < kH; ky++) {
        for (int kx = 0; kx < kW; kx++, row++) {
          long dst = row * p;
          int xShift = kx * g.dilationW - g.padW;
          // Output columns whose input column is inside [0, w).
          int lo = Math.min(ow, Math.max(0, ceilDiv(-xShift, g.strideW)));
          int hi = Math.max(lo, Math.min(ow, ceilDiv(w - xShift, g.strideW)));
          for (int oy = 0; oy < oh; oy++, dst += ow) {
            int iy = oy * g.strideH - g.padH + ky * g.dilationH;
            if (iy < 0 || iy >= h) {
              for (int ox = 0; ox < ow; ox++) {
                col.setAtIndex(F32, dst + ox, 0f);
              }
              continue;
            }
            long srcRow = plane + (long) iy * w + xShift;
            for (int ox = 0; ox < lo; ox++) {
              col.setAtIndex(F32, dst + ox, 0f);
            }
            if (g.strideW == 1) {
              MemorySegment.copy(
                  x, (srcRow + lo) * Float.BYTES, col, (dst + lo) * Float.BYTES,
                  (long) (hi - lo) * Float.BYTES);
            } else {
              for (int ox = lo; ox < hi; ox++) {
                col.setAtIndex(F32, dst + ox, x.getAtIndex(F32, srcRow + (long) ox * g.strideW));
              }
            }
            for (int ox = hi; ox < ow; ox++) {
              col.setAtIndex(F32, dst + ox, 0f);
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
