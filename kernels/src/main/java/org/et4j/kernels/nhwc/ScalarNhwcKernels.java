package org.et4j.kernels.nhwc;

import static org.et4j.kernels.nhwc.NhwcChecks.FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The scalar twin of {@link NhwcKernels}: plain loops in the same order of operations as the
 * vector implementation (taps in row-major order, one fused multiply-add each), so the two agree
 * bit for bit. This is what runs without {@code jdk.incubator.vector}, and the oracle in tests.
 */
final class ScalarNhwcKernels implements NhwcKernels {
  static final ScalarNhwcKernels INSTANCE = new ScalarNhwcKernels();

  /** Any width is correct for scalar loops; 16 matches XNNPACK's AVX tiles. */
  private static final int DEPTHWISE_TILE = 16;

  private ScalarNhwcKernels() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int depthwiseTile() {
    return DEPTHWISE_TILE;
  }

  @Override
  public void depthwise(
      DepthwiseConv2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    depthwiseRange(
        op, 0, op.outChannels, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min,
        max);
  }

  /**
   * Output channels {@code [ocFrom, ocTo)} of a depthwise convolution, any multiplier. The vector
   * implementation calls this for multipliers above 1.
   */
  static void depthwiseRange(
      DepthwiseConv2dNhwc op, int ocFrom, int ocTo, int rowFrom, int rowTo, int inH, int inW,
      int outH, int outW, MemorySegment in, long inOff, MemorySegment out, long outOff, float min,
      float max) {
    final int c = op.channels;
    final int oc = op.outChannels;
    final int m = op.multiplier;
    final int kh = op.kernelH;
    final int kw = op.kernelW;
    final int dh = op.dilationH;
    final int dw = op.dilationW;
    final int tile = op.tile;
    final int tileStride = op.tileStride;
    final float[] w = op.packed;
    final long colStep = (long) dw * c;
    for (int n = rowFrom / outH; n * outH < rowTo; n++) {
      int oyTo = Math.min(outH, rowTo - n * outH);
      for (int oy = Math.max(0, rowFrom - n * outH); oy < oyTo; oy++) {
        int by = oy * op.strideH - op.padTop;
        int ky0 = NhwcChecks.firstTap(by, dh);
        int ky1 = NhwcChecks.endTap(by, dh, inH, kh);
        for (int ox = 0; ox < outW; ox++) {
          int bx = ox * op.strideW - op.padLeft;
          int kx0 = NhwcChecks.firstTap(bx, dw);
          int kx1 = NhwcChecks.endTap(bx, dw, inW, kw);
          long o = outOff + (((long) n * outH + oy) * outW + ox) * oc;
          for (int j = ocFrom; j < ocTo; j++) {
            int wj = j / tile * tileStride + j % tile;
            float acc = w[wj];
            for (int ky = ky0; ky < ky1; ky++) {
              long row = inOff + (((long) n * inH + by + ky * dh) * inW + bx) * c + j / m;
              int wk = wj + (1 + ky * kw) * tile;
              for (int kx = kx0; kx < kx1; kx++) {
                acc = Math.fma(in.getAtIndex(FLOAT, row + kx * colStep), w[wk + kx * tile], acc);
              }
            }
            out.setAtIndex(FLOAT, o + j, Math.min(Math.max(acc, min), max));
          }
        }
      }
    }
  }

  @Override
  public void maxPool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    pool(op, true, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
  }

  @Override
  public void averagePool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    pool(op, false, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
  }

  /** Max or average pooling: the maximum, or the sum times {@code 1f / count}, of the valid taps. */
  private static void pool(
      Pooling2dNhwc op, boolean isMax, int rowFrom, int rowTo, int inH, int inW, int outH,
      int outW, MemorySegment in, long inOff, MemorySegment out, long outOff, float min,
      float max) {
    final int c = op.channels;
    final int dh = op.dilationH;
    final int dw = op.dilationW;
    final long colStep = (long) dw * c;
    for (int n = rowFrom / outH; n * outH < rowTo; n++) {
      int oyTo = Math.min(outH, rowTo - n * outH);
      for (int oy = Math.max(0, rowFrom - n * outH); oy < oyTo; oy++) {
        int by = oy * op.strideH - op.padTop;
        int ky0 = NhwcChecks.firstTap(by, dh);
        int ky1 = NhwcChecks.endTap(by, dh, inH, op.poolH);
        for (int ox = 0; ox < outW; ox++) {
          int bx = ox * op.strideW - op.padLeft;
          int kx0 = NhwcChecks.firstTap(bx, dw);
          int kx1 = NhwcChecks.endTap(bx, dw, inW, op.poolW);
          long o = outOff + (((long) n * outH + oy) * outW + ox) * c;
          if (ky0 >= ky1 || kx0 >= kx1) {
            // Only max pooling gets here: prepare keeps every average window on the input.
            op.maxPoolWithoutValidTaps(n, oy, ox, inH, inW, in, inOff, out, o, min, max);
            continue;
          }
          float scale = 1f / (float) ((ky1 - ky0) * (kx1 - kx0));
          for (int ch = 0; ch < c; ch++) {
            float acc = isMax ? Float.NEGATIVE_INFINITY : 0f;
            for (int ky = ky0; ky < ky1; ky++) {
              long row = inOff + (((long) n * inH + by + ky * dh) * inW + bx) * c + ch;
              for (int kx = kx0; kx < kx1; kx++) {
                float v = in.getAtIndex(FLOAT, row + kx * colStep);
                acc = isMax ? Math.max(acc, v) : acc + v;
              }
            }
            if (!isMax) {
              acc *= scale;
            }
            out.setAtIndex(FLOAT, o + ch, Math.min(Math.max(acc, min), max));
          }
        }
      }
    }
  }

  @Override
  public void globalAverage(
      int batch, int pixels, int channels, float scale, MemorySegment in, long inOff,
      MemorySegment out, long outOff, float min, float max) {
    for (int n = 0; n < batch; n++) {
      long image = inOff + (long) n * pixels * channels;
      for (int ch = 0; ch < channels; ch++) {
        float sum = 0f;
        for (int p = 0; p < pixels; p++) {
          sum += in.getAtIndex(FLOAT, image + (long) p * channels + ch);
        }
        float v = sum * scale;
        out.setAtIndex(FLOAT, outOff + (long) n * channels + ch, Math.min(Math.max(v, min), max));
      }
    }
  }

  @Override
  public void resizeBilinear(
      ResizeBilinearNhwc op, int batch, int inH, int inW, MemorySegment in, long inOff,
      MemorySegment out, long outOff) {
    final int c = op.channels;
    final int outH = op.outH;
    final int outW = op.outW;
    float scaleY = op.scale(inH, outH);
    float scaleX = op.scale(inW, outW);
    for (int n = 0; n < batch; n++) {
      for (int oy = 0; oy < outH; oy++) {
        float y = op.source(oy, scaleY, inH);
        int top = (int) y;
        int bottom = Math.min(top + 1, inH - 1);
        float alphaY = y - (float) top;
        long rowT = inOff + ((long) n * inH + top) * inW * c;
        long rowB = inOff + ((long) n * inH + bottom) * inW * c;
        for (int ox = 0; ox < outW; ox++) {
          float x = op.source(ox, scaleX, inW);
          int left = (int) x;
          int right = Math.min(left + 1, inW - 1);
          float alphaX = x - (float) left;
          long o = outOff + (((long) n * outH + oy) * outW + ox) * c;
          long l = (long) left * c;
          long r = (long) right * c;
          for (int ch = 0; ch < c; ch++) {
            float tl = in.getAtIndex(FLOAT, rowT + l + ch);
            float tr = in.getAtIndex(FLOAT, rowT + r + ch);
            float bl = in.getAtIndex(FLOAT, rowB + l + ch);
            float br = in.getAtIndex(FLOAT, rowB + r + ch);
            float t = Math.fma(tr - tl, alphaX, tl);
            float b = Math.fma(br - bl, alphaX, bl);
            out.setAtIndex(FLOAT, o + ch, Math.fma(b - t, alphaY, t));
          }
        }
      }
    }
  }

  @Override
  public void deconvolution(
      ConvTranspose2dNhwc op, int batch, int inH, int inW, int outH, int outW, MemorySegment in,
      long inOff, MemorySegment out, long outOff, float min, float max) {
    final int groups = op.groups;
    final int cg = op.groupInChannels;
    final int ocg = op.groupOutChannels;
    final int ic = groups * cg;
    final int oc = groups * ocg;
    final int kh = op.kernelH;
    final int kw = op.kernelW;
    final int sh = op.strideH;
    final int sw = op.strideW;
    final float[] w = op.packed;
    for (int n = 0; n < batch; n++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          long o = outOff + (((long) n * outH + oy) * outW + ox) * oc;
          for (int g = 0; g < groups; g++) {
            for (int j = 0; j < ocg; j++) {
              float acc = op.bias[g * ocg + j];
              for (int ky = 0; ky < kh; ky++) {
                int ty = oy + op.padTop - ky * op.dilationH;
                if (ty < 0 || ty % sh != 0 || ty / sh >= inH) {
                  continue;
                }
                int iy = ty / sh;
                for (int kx = 0; kx < kw; kx++) {
                  int tx = ox + op.padLeft - kx * op.dilationW;
                  if (tx < 0 || tx % sw != 0 || tx / sw >= inW) {
                    continue;
                  }
                  long ib = inOff + (((long) n * inH + iy) * inW + tx / sw) * ic + (long) g * cg;
                  int wb = ((g * kh + ky) * kw + kx) * cg * ocg + j;
                  for (int k = 0; k < cg; k++) {
                    acc = Math.fma(in.getAtIndex(FLOAT, ib + k), w[wb + k * ocg], acc);
                  }
                }
              }
              out.setAtIndex(FLOAT, o + (long) g * ocg + j, Math.min(Math.max(acc, min), max));
            }
          }
        }
      }
    }
  }
}
