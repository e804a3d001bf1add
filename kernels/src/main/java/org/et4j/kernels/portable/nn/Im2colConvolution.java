package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.KernelContext;

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

  private final boolean channelsLast;
  /** The per-group product, remade only when the call's shapes move ({@link ConvolutionShape#version}). */
  private GemmShape product;
  private int productVersion = -1;

  private Im2colConvolution(boolean channelsLast) {
    this.channelsLast = channelsLast;
  }

  /** One call site's algorithm: channels-last tensors, or the default dim order. */
  static Im2colConvolution prepare(boolean channelsLast) {
    return new Im2colConvolution(channelsLast);
  }

  void run(KernelContext ctx, ConvolutionShape g) {
    if (g.version() != productVersion) {
      product = channelsLast ? channelsLastProduct(g) : nchwProduct(g);
      productVersion = g.version();
    }
    if (channelsLast) {
      runChannelsLast(ctx, g, product);
    } else {
      runNchw(ctx, g, product);
    }
  }

  /** A 1x1 kernel of unit stride without padding: its receptive fields are the input itself. */
  private static boolean pointwise(ConvolutionShape g) {
    return g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && g.padH == 0
        && g.padW == 0;
  }

  /** Receptive-field length {@code Cg * KH * KW}: the product's inner dimension. */
  private static int fieldLength(ConvolutionShape g) {
    return g.groupChannels() * g.kernelH * g.kernelW;
  }

  /** {@code out_g[OCg, OH*OW] = W_g[OCg, K] @ col[K, OH*OW] + bias} (per-row addend). */
  private static GemmShape nchwProduct(ConvolutionShape g) {
    return GemmShape.of(g.groupOutChannels(), g.outH * g.outW, fieldLength(g))
        .addend(g.bias == null ? 0f : 1f, 1, 0);
  }

  /** {@code out[OH*OW, OCg] (row stride OC) = col[OH*OW, K] @ W_g^T + bias} (bias row). */
  private static GemmShape channelsLastProduct(ConvolutionShape g) {
    int k = fieldLength(g);
    boolean direct = g.groups == 1 && pointwise(g);
    return GemmShape.of(g.outH * g.outW, g.groupOutChannels(), k)
        .transposeB(k)
        .leadingDimensions(direct ? g.channels : k, k, g.outChannels)
        .addend(g.bias == null ? 0f : 1f, 0, 1);
  }

  /** Default dim order: per batch and group, {@code out_g = W_g @ col + bias}. */
  private static void runNchw(KernelContext ctx, ConvolutionShape g, GemmShape product) {
    int c = g.channels;
    int cg = g.groupChannels();
    int ocg = g.groupOutChannels();
    int k = product.k();
    int p = product.n();
    long hw = (long) g.height * g.width;
    boolean direct = pointwise(g);
    MemorySegment x = g.in.data();
    MemorySegment wt = g.weight.data();
    MemorySegment y = g.out.data();
    MemorySegment b = g.bias == null ? null : g.bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < g.batch; bi++) {
      for (int gi = 0; gi < g.groups; gi++) {
        long xOff = ((long) bi * c + (long) gi * cg) * hw;
        MemorySegment src = x;
        long srcOff = xOff;
        if (!direct) {
          im2col(x, xOff, cg, g, col);
          src = col;
          srcOff = 0;
        }
        gemm.multiply(
            product, wt, (long) gi * ocg * k, src, srcOff, b, (long) gi * ocg,
            y, ((long) bi * g.outChannels + (long) gi * ocg) * p);
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
  private static void runChannelsLast(KernelContext ctx, ConvolutionShape g, GemmShape product) {
    int c = g.channels;
    int cg = g.groupChannels();
    int ocg = g.groupOutChannels();
    int k = product.k();
    int p = product.m();
    boolean weightLast = !g.weight.isContiguous();
    boolean direct = g.groups == 1 && pointwise(g);
    MemorySegment x = g.in.data();
    MemorySegment wt = g.weight.data();
    MemorySegment y = g.out.data();
    MemorySegment b = g.bias == null ? null : g.bias.data();
    MemorySegment col = direct ? null : ctx.scratch((long) k * p * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < g.batch; bi++) {
      long xBase = (long) bi * g.height * g.width * c;
      for (int gi = 0; gi < g.groups; gi++) {
        MemorySegment src = x;
        long srcOff = xBase;
        if (!direct) {
          im2colNhwc(x, xBase, gi * cg, g, weightLast, col);
          src = col;
          srcOff = 0;
        }
        gemm.multiply(
            product, src, srcOff, wt, (long) gi * ocg * k, b, (long) gi * ocg,
            y, (long) bi * p * g.outChannels + (long) gi * ocg);
      }
    }
  }

  /** Builds the [OH*OW, Cg*kH*kW] receptive-field matrix of one group of an NHWC image. */
  private static void im2colNhwc(
      MemorySegment x, long xBase, int c0, ConvolutionShape g, boolean tapMajor, MemorySegment col) {
    int c = g.channels;
    int cg = g.groupChannels();
    int h = g.height;
    int w = g.width;
    int kH = g.kernelH;
    int kW = g.kernelW;
    int oh = g.outH;
    int ow = g.outW;
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
      MemorySegment x, long xOff, int cg, ConvolutionShape g, MemorySegment col) {
    int h = g.height;
    int w = g.width;
    int kH = g.kernelH;
    int kW = g.kernelW;
    int oh = g.outH;
    int ow = g.outW;
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
