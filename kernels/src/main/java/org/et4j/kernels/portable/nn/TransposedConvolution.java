package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.KernelContext;

/**
 * float32 transposed convolution in the default dim order: per batch and group, {@code col[OCg*KH*KW,
 * H*W] = W_g^T @ x_g} by {@link Sgemm} with {@code W_g = weight[g*Cg:(g+1)*Cg]} read as {@code [Cg,
 * OCg*KH*KW]}, then each column entry added to the output pixel it lands on (col2im) over an output
 * first set to the bias.
 */
final class TransposedConvolution {
  private static final ValueLayout.OfFloat F32 = Elements.F32;

  /** The per-group product, remade only when the call's shapes move ({@link ConvolutionShape#version}). */
  private GemmShape product;
  private int productVersion = -1;

  /** One call site's algorithm. */
  static TransposedConvolution prepare() {
    return new TransposedConvolution();
  }

  void run(KernelContext ctx, ConvolutionShape g) {
    int cg = g.groupChannels();
    int ocg = g.groupOutChannels();
    int kH = g.kernelH;
    int kW = g.kernelW;
    int h = g.height;
    int w = g.width;
    int oh = g.outH;
    int ow = g.outW;
    int oc = g.outChannels;
    int rows = ocg * kH * kW;
    long hw = (long) h * w;
    long op = (long) oh * ow;
    if (g.version() != productVersion) {
      // col[OCg*KH*KW, H*W] = W_g^T @ x_g, W_g stored [Cg, OCg*KH*KW].
      product = GemmShape.of(rows, (int) hw, cg).transposeA(rows);
      productVersion = g.version();
    }
    MemorySegment x = g.in.data();
    MemorySegment wt = g.weight.data();
    MemorySegment y = g.out.data();
    MemorySegment col = ctx.scratch(rows * hw * Float.BYTES);
    Sgemm gemm = Sgemm.get();
    for (int bi = 0; bi < g.batch; bi++) {
      for (int o = 0; o < oc; o++) {
        float bv = g.bias == null ? 0f : g.bias.data().getAtIndex(F32, o);
        long base = ((long) bi * oc + o) * op;
        for (long i = 0; i < op; i++) {
          y.setAtIndex(F32, base + i, bv);
        }
      }
      for (int gi = 0; gi < g.groups; gi++) {
        gemm.multiply(
            product, wt, (long) gi * cg * rows, x, ((long) bi * g.channels + (long) gi * cg) * hw,
            null, 0, col, 0);
        long yBase = ((long) bi * oc + (long) gi * ocg) * op;
        int r = 0;
        for (int o = 0; o < ocg; o++) {
          for (int ky = 0; ky < kH; ky++) {
            for (int kx = 0; kx < kW; kx++, r++) {
              long src = (long) r * hw;
              for (int iy = 0; iy < h; iy++) {
                int yy = iy * g.strideH - g.padH + ky * g.dilationH;
                if (yy < 0 || yy >= oh) {
                  continue;
                }
                long dstRow = yBase + (long) o * op + (long) yy * ow;
                for (int ix = 0; ix < w; ix++) {
                  int xx = ix * g.strideW - g.padW + kx * g.dilationW;
                  if (xx >= 0 && xx < ow) {
                    long di = dstRow + xx;
                    y.setAtIndex(
                        F32, di, y.getAtIndex(F32, di) + col.getAtIndex(F32, src + (long) iy * w + ix));
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
