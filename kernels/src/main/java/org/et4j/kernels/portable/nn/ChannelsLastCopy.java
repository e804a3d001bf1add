package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.KernelContext;

/**
 * Moves float32 images between the default dim order {@code [N, C, H*W]} and channels-last {@code
 * [N, H*W, C]}, so that a convolution in the default dim order can run XNNPACK's channels-last
 * kernels ({@link org.et4j.kernels.nhwc}). Both directions walk square tiles, so that reads and
 * writes each stay within a few cache lines. Offsets count floats.
 */
final class ChannelsLastCopy {
  private static final ValueLayout.OfFloat F32 = Elements.F32;
  private static final int TILE = 16;

  private ChannelsLastCopy() {}

  /** A channels-last convolution kernel over one call's input and output. */
  @FunctionalInterface
  interface ChannelsLastKernel {
    void run(int batch, int height, int width, MemorySegment in, long inOffset, MemorySegment out, long outOffset);
  }

  /**
   * Runs {@code kernel} for the call {@code s}: in place when the tensors are channels-last, else
   * on channels-last copies in the call's scratch memory, the output moved back to the default
   * order afterwards.
   */
  static void run(KernelContext ctx, ConvolutionShape s, boolean channelsLast, ChannelsLastKernel kernel) {
    if (channelsLast) {
      kernel.run(s.batch, s.height, s.width, s.in.data(), 0, s.out.data(), 0);
      return;
    }
    long inFloats = (long) s.batch * s.channels * s.height * s.width;
    long outFloats = (long) s.batch * s.outChannels * s.outH * s.outW;
    MemorySegment scratch = ctx.scratch((inFloats + outFloats) * Float.BYTES);
    toChannelsLast(s.in.data(), 0, scratch, 0, s.batch, s.channels, s.height * s.width);
    kernel.run(s.batch, s.height, s.width, scratch, 0, scratch, inFloats);
    toDefaultOrder(scratch, inFloats, s.out.data(), 0, s.batch, s.outChannels, s.outH * s.outW);
  }

  /** {@code dst[b, p, c] = src[b, c, p]} for {@code p < pixels}. */
  static void toChannelsLast(
      MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int batch, int channels,
      int pixels) {
    long image = (long) channels * pixels;
    for (int b = 0; b < batch; b++) {
      transpose(src, srcOff + b * image, dst, dstOff + b * image, channels, pixels);
    }
  }

  /** {@code dst[b, c, p] = src[b, p, c]} for {@code p < pixels}. */
  static void toDefaultOrder(
      MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int batch, int channels,
      int pixels) {
    long image = (long) channels * pixels;
    for (int b = 0; b < batch; b++) {
      transpose(src, srcOff + b * image, dst, dstOff + b * image, pixels, channels);
    }
  }

  /** {@code dst[j, i] = src[i, j]} for a row-major {@code rows x cols} source. */
  private static void transpose(
      MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int rows, int cols) {
    if (rows == 1 || cols == 1) {
      MemorySegment.copy(
          src, srcOff * Float.BYTES, dst, dstOff * Float.BYTES, (long) rows * cols * Float.BYTES);
      return;
    }
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int i1 = Math.min(rows, i0 + TILE);
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int j1 = Math.min(cols, j0 + TILE);
        for (int i = i0; i < i1; i++) {
          long from = srcOff + (long) i * cols;
          for (int j = j0; j < j1; j++) {
            dst.setAtIndex(F32, dstOff + (long) j * rows + i, src.getAtIndex(F32, from + j));
          }
        }
      }
    }
  }
}
