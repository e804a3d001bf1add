package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code MaxPooling2d} of a {@code qint8} NHWC tensor ({@code
 * xnn_create_max_pooling2d_nhwc_s8}, kernels {@code src/s8-maxpool/}): the plain int8 maximum over
 * each window, then {@code min(max(v, qmin), qmax)} with the bounds that {@code
 * src/subgraph/max-pooling-2d.c} quantizes with {@link StaticQuantization#quantizeBound}. The
 * scales and zero points of input and output are equal, so no requantization happens.
 *
 * <p>Padding is never read: XNNPACK's indirection buffer ({@code xnn_indirection_init_maxpool2d},
 * {@code src/indirection.c}) points each padding tap at a real pixel of the same window (clamped
 * to the border, or stepped by the dilation towards the input), so the result is the maximum over
 * the window's valid taps. Only an axis of a window with no valid tap (possible with dilation or
 * large padding) reads the stepped and clamped pixels literally, which {@link #tapCoordinate} reproduces. Output size as
 * for a convolution. Immutable: {@link #run} allocates nothing.
 */
public final class StaticQuantizedMaxPool {
  private static final String OP = "MaxPooling2d(qs8)";

  final int channels;
  final int poolH;
  final int poolW;
  final int strideH;
  final int strideW;
  final int dilationH;
  final int dilationW;
  final int padT;
  final int padR;
  final int padB;
  final int padL;
  final int qmin;
  final int qmax;

  private StaticQuantizedMaxPool(
      int channels, int poolH, int poolW, int strideH, int strideW, int dilationH, int dilationW,
      int padT, int padR, int padB, int padL, int qmin, int qmax) {
    this.channels = channels;
    this.poolH = poolH;
    this.poolW = poolW;
    this.strideH = strideH;
    this.strideW = strideW;
    this.dilationH = dilationH;
    this.dilationW = dilationW;
    this.padT = padT;
    this.padR = padR;
    this.padB = padB;
    this.padL = padL;
    this.qmin = qmin;
    this.qmax = qmax;
  }

  /**
   * {@code outScale} / {@code outZp} are the output tensor's (equal to the input's); {@code
   * outMin} / {@code outMax} the node's real-valued clamp (infinite for none).
   */
  public static StaticQuantizedMaxPool prepare(
      int channels, int poolH, int poolW, int strideH, int strideW, int dilationH, int dilationW,
      int padT, int padR, int padB, int padL, float outScale, int outZp, float outMin,
      float outMax) {
    StaticQuantizedConv2d.checkGeometry(
        OP, 1, channels, 1, poolH, poolW, strideH, strideW, dilationH, dilationW, padT, padR,
        padB, padL);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    return new StaticQuantizedMaxPool(
        channels, poolH, poolW, strideH, strideW, dilationH, dilationW, padT, padR, padB, padL,
        range[0], range[1]);
  }

  /** The output height for an input of height {@code inH}; throws if it would be below 1. */
  public int outputHeight(int inH) {
    return StaticQuantization.convolutionOutput(
        OP, "height", inH, padT, padB, poolH, strideH, dilationH);
  }

  /** The output width for an input of width {@code inW}; throws if it would be below 1. */
  public int outputWidth(int inW) {
    return StaticQuantization.convolutionOutput(
        OP, "width", inW, padL, padR, poolW, strideW, dilationW);
  }

  /** {@code y[batch, OH, OW, C] = maxpool(x[batch, inH, inW, C])}; offsets count int8 elements. */
  public void run(
      int batch, int inH, int inW, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.nonNegative(OP, "batch", batch);
    int outH = outputHeight(inH);
    int outW = outputWidth(inW);
    StaticQuantization.checkBytes(OP, "input", x, xOff, (long) batch * inH * inW * channels);
    StaticQuantization.checkBytes(OP, "output", y, yOff, (long) batch * outH * outW * channels);
    for (int b = 0; b < batch; b++) {
      for (int oy = 0; oy < outH; oy++) {
        int y0 = oy * strideH - padT;
        for (int ox = 0; ox < outW; ox++) {
          int x0 = ox * strideW - padL;
          long out = yOff + (((long) b * outH + oy) * outW + ox) * channels;
          // Each axis on its own: XNNPACK builds the window's taps as a product of per-axis
          // coordinates, so an axis with a valid tap reads exactly its valid taps.
          boolean validY = hasValidTap(y0, poolH, dilationH, inH);
          boolean validX = hasValidTap(x0, poolW, dilationW, inW);
          for (int c = 0; c < channels; c++) {
            int acc = Integer.MIN_VALUE;
            for (int ky = 0; ky < poolH; ky++) {
              int iy = y0 + ky * dilationH;
              if (!validY) {
                iy = tapCoordinate(oy, ky, strideH, dilationH, padT, inH);
              } else if (iy < 0 || iy >= inH) {
                continue;
              }
              for (int kx = 0; kx < poolW; kx++) {
                int ix = x0 + kx * dilationW;
                if (!validX) {
                  ix = tapCoordinate(ox, kx, strideW, dilationW, padL, inW);
                } else if (ix < 0 || ix >= inW) {
                  continue;
                }
                int v = x.get(StaticQuantization.I8, xOff + (((long) b * inH + iy) * inW + ix) * channels + c);
                acc = Math.max(acc, v);
              }
            }
            y.set(StaticQuantization.I8, out + c, (byte) Math.min(Math.max(acc, qmin), qmax));
          }
        }
      }
    }
  }

  private static boolean hasValidTap(int start, int taps, int dilation, int in) {
    for (int k = 0; k < taps; k++) {
      int i = start + k * dilation;
      if (i >= 0 && i < in) {
        return true;
      }
    }
    return false;
  }

  /**
   * The input coordinate XNNPACK's {@code xnn_indirection_init_maxpool2d} reads for window {@code
   * o}, tap {@code k}: a padding tap steps by the dilation towards the input, then is clamped to it.
   */
  static int tapCoordinate(int o, int k, int stride, int dilation, int pad, int in) {
    long v = (long) o * stride + (long) k * dilation;
    while (v < pad) {
      v += dilation;
    }
    while (v >= (long) in + pad) {
      v = Math.max(0, v - dilation);
    }
    return (int) Math.min(Math.max(0, v - pad), in - 1);
  }
}
