package org.et4j.kernels.nhwc;

import static org.et4j.kernels.nhwc.NhwcChecks.FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API {@link NhwcKernels}: every kernel vectorises over channels, the contiguous axis of
 * NHWC data, as XNNPACK's channel-tiled micro-kernels do, and finishes the channels past the last
 * full vector in scalar code in the same order of operations as {@link ScalarNhwcKernels} (so the
 * two agree bit for bit). Each loop nest is one method, with no vector crossing a call.
 *
 * <p>Depthwise convolution and 3x3 max pooling split each output row: the border pixels, whose
 * windows are cut by padding, run XNNPACK's order (per pixel, per channel tile, the valid taps);
 * the interior pixels run one channel tile at a time along the row, so that a 3x3 tile's weights
 * stay in registers and the loop is long. The order of operations for each output is the same in
 * both, so the split changes speed only.
 *
 * <p>Loaded only by {@link NhwcKernelsSelection} when {@code jdk.incubator.vector} is present.
 */
final class VectorNhwcKernels implements NhwcKernels {
  /** Chosen once from {@code et4j.vector}; a constant, so C2 compiles real vector code. */
  static final VectorSpecies<Float> F =
      VectorSupport.forcedBits() == 0
          ? FloatVector.SPECIES_PREFERRED
          : FloatVector.SPECIES_MAX.vectorBitSize() < VectorSupport.forcedBits()
              ? FloatVector.SPECIES_PREFERRED
              : VectorSpecies.of(float.class, VectorShape.forBitSize(VectorSupport.forcedBits()));

  private static final int L = F.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final long B = Float.BYTES;

  VectorNhwcKernels() {}

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit)";
  }

  @Override
  public int depthwiseTile() {
    return L;
  }

  @Override
  public void depthwise(
      DepthwiseConv2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    if (op.multiplier != 1 && op.tile == L && (op.channels == 1 || op.multiplier % L == 0)) {
      depthwiseBroadcastInput(op, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
      return;
    }
    if (op.multiplier != 1 || op.tile != L) {
      // Other multipliers above 1 read each input channel for several outputs within one vector,
      // which contiguous vector loads do not express; XNNPACK runs them as a grouped IGEMM.
      ScalarNhwcKernels.depthwiseRange(
          op, 0, op.outChannels, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min,
          max);
      return;
    }
    final int c = op.channels;
    final int sw = op.strideW;
    final int dh = op.dilationH;
    final int dw = op.dilationW;
    final int pl = op.padLeft;
    final int kh = op.kernelH;
    final int kw = op.kernelW;
    final boolean threeByThree = kh == 3 && kw == 3;
    // Output columns whose taps all lie on the input: bx >= 0 and bx + (kw - 1) * dw < inW.
    final int oxFrom = Math.min(outW, Math.ceilDiv(pl, sw));
    final int oxTo = Math.max(
        oxFrom, Math.min(outW, Math.floorDiv(inW - 1 - (kw - 1) * dw + pl, sw) + 1));
    for (int n = rowFrom / outH; n * outH < rowTo; n++) {
      int oyTo = Math.min(outH, rowTo - n * outH);
      for (int oy = Math.max(0, rowFrom - n * outH); oy < oyTo; oy++) {
        int by = oy * op.strideH - op.padTop;
        int ky0 = NhwcChecks.firstTap(by, dh);
        int ky1 = NhwcChecks.endTap(by, dh, inH, kh);
        long rowIn = inOff + ((long) n * inH + by) * inW * c;
        long rowOut = outOff + ((long) n * outH + oy) * outW * c;
        if (ky0 == 0 && ky1 == kh && oxFrom < oxTo) {
          for (int ox = 0; ox < oxFrom; ox++) {
            depthwisePixel(op, ky0, ky1, ox, inW, rowIn, rowOut, in, out, min, max);
          }
          if (threeByThree) {
            depthwise3x3Interior(op, oxFrom, oxTo, inW, rowIn, rowOut, in, out, min, max);
          } else {
            depthwiseInterior(op, oxFrom, oxTo, inW, rowIn, rowOut, in, out, min, max);
          }
          for (int ox = oxTo; ox < outW; ox++) {
            depthwisePixel(op, ky0, ky1, ox, inW, rowIn, rowOut, in, out, min, max);
          }
        } else {
          for (int ox = 0; ox < outW; ox++) {
            depthwisePixel(op, ky0, ky1, ox, inW, rowIn, rowOut, in, out, min, max);
          }
        }
      }
    }
  }

  /**
   * A depthwise convolution with a channel multiplier above 1 whose every tile of {@code L} output
   * channels reads one input channel: a single-channel input (the first layer of a grayscale CNN,
   * which the XNNPACK exporter lowers to depthwise with multiplier = output channels) or a
   * multiplier that is a multiple of {@code L}. Each tap broadcasts that input value across the
   * tile; per output it is the bias plus the taps in row-major order, as in the scalar kernel, and
   * the channels past the last full tile run there.
   */
  private static void depthwiseBroadcastInput(
      DepthwiseConv2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    final int c = op.channels;
    final int oc = op.outChannels;
    final int m = op.multiplier;
    final int kh = op.kernelH;
    final int kw = op.kernelW;
    final int dh = op.dilationH;
    final int dw = op.dilationW;
    final float[] w = op.packed;
    final long colStep = (long) dw * c;
    final int full = oc - oc % L;
    final FloatVector lo = FloatVector.broadcast(F, min);
    final FloatVector hi = FloatVector.broadcast(F, max);
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
          for (int t = 0, wt = 0; t < full; t += L, wt += op.tileStride) {
            FloatVector acc = FloatVector.fromArray(F, w, wt);
            int channel = t / m;
            for (int ky = ky0; ky < ky1; ky++) {
              long row = inOff + (((long) n * inH + by + ky * dh) * inW + bx) * c + channel;
              int wk = wt + (1 + ky * kw) * L;
              for (int kx = kx0; kx < kx1; kx++) {
                FloatVector x = FloatVector.broadcast(F, in.getAtIndex(FLOAT, row + kx * colStep));
                acc = x.fma(FloatVector.fromArray(F, w, wk + kx * L), acc);
              }
            }
            acc.max(lo).min(hi).intoMemorySegment(out, (o + t) * B, LE);
          }
        }
      }
    }
    if (full < oc) {
      ScalarNhwcKernels.depthwiseRange(
          op, full, oc, rowFrom, rowTo, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
    }
  }

  /**
   * Output columns {@code [oxFrom, oxTo)} of one row of a 3x3 depthwise convolution whose nine taps
   * all lie on the input: the common case. Tile by tile, the bias and the nine weight vectors stay
   * in registers across the whole run of pixels, so each output vector costs nine input loads and
   * nine multiply-adds in a long counted loop. Each output is still the bias plus the taps in
   * row-major order, as everywhere else.
   */
  private static void depthwise3x3Interior(
      DepthwiseConv2dNhwc op, int oxFrom, int oxTo, int inW, long rowIn, long rowOut,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final float[] w = op.packed;
    final int full = c - c % L;
    final long colBytes = (long) op.dilationW * c * B;
    final long rowBytes = (long) op.dilationH * inW * c * B;
    final long stepIn = (long) op.strideW * c * B;
    final long stepOut = (long) c * B;
    final long firstIn = (rowIn + ((long) oxFrom * op.strideW - op.padLeft) * c) * B;
    final long firstOut = (rowOut + (long) oxFrom * c) * B;
    final boolean pairs = op.strideW == 1 && op.dilationW == 1;
    for (int c0 = 0, wt = 0; c0 < full; c0 += L, wt += op.tileStride) {
      FloatVector bias = FloatVector.fromArray(F, w, wt);
      FloatVector w0 = FloatVector.fromArray(F, w, wt + L);
      FloatVector w1 = FloatVector.fromArray(F, w, wt + 2 * L);
      FloatVector w2 = FloatVector.fromArray(F, w, wt + 3 * L);
      FloatVector w3 = FloatVector.fromArray(F, w, wt + 4 * L);
      FloatVector w4 = FloatVector.fromArray(F, w, wt + 5 * L);
      FloatVector w5 = FloatVector.fromArray(F, w, wt + 6 * L);
      FloatVector w6 = FloatVector.fromArray(F, w, wt + 7 * L);
      FloatVector w7 = FloatVector.fromArray(F, w, wt + 8 * L);
      FloatVector w8 = FloatVector.fromArray(F, w, wt + 9 * L);
      long a = firstIn + c0 * B;
      long o = firstOut + c0 * B;
      int ox = oxFrom;
      if (pairs) {
        // Stride 1, dilation 1: neighbouring outputs share two of their three input columns, so
        // a pair reads four columns per row instead of six.
        for (; ox + 1 < oxTo; ox += 2, a += 2 * stepIn, o += 2 * stepOut) {
          FloatVector x0 = FloatVector.fromMemorySegment(F, in, a, LE);
          FloatVector x1 = FloatVector.fromMemorySegment(F, in, a + colBytes, LE);
          FloatVector x2 = FloatVector.fromMemorySegment(F, in, a + 2 * colBytes, LE);
          FloatVector x3 = FloatVector.fromMemorySegment(F, in, a + 3 * colBytes, LE);
          FloatVector acc0 = x0.fma(w0, bias);
          FloatVector acc1 = x1.fma(w0, bias);
          acc0 = x1.fma(w1, acc0);
          acc1 = x2.fma(w1, acc1);
          acc0 = x2.fma(w2, acc0);
          acc1 = x3.fma(w2, acc1);
          long r = a + rowBytes;
          x0 = FloatVector.fromMemorySegment(F, in, r, LE);
          x1 = FloatVector.fromMemorySegment(F, in, r + colBytes, LE);
          x2 = FloatVector.fromMemorySegment(F, in, r + 2 * colBytes, LE);
          x3 = FloatVector.fromMemorySegment(F, in, r + 3 * colBytes, LE);
          acc0 = x0.fma(w3, acc0);
          acc1 = x1.fma(w3, acc1);
          acc0 = x1.fma(w4, acc0);
          acc1 = x2.fma(w4, acc1);
          acc0 = x2.fma(w5, acc0);
          acc1 = x3.fma(w5, acc1);
          r += rowBytes;
          x0 = FloatVector.fromMemorySegment(F, in, r, LE);
          x1 = FloatVector.fromMemorySegment(F, in, r + colBytes, LE);
          x2 = FloatVector.fromMemorySegment(F, in, r + 2 * colBytes, LE);
          x3 = FloatVector.fromMemorySegment(F, in, r + 3 * colBytes, LE);
          acc0 = x0.fma(w6, acc0);
          acc1 = x1.fma(w6, acc1);
          acc0 = x1.fma(w7, acc0);
          acc1 = x2.fma(w7, acc1);
          acc0 = x2.fma(w8, acc0);
          acc1 = x3.fma(w8, acc1);
          acc0.max(min).min(max).intoMemorySegment(out, o, LE);
          acc1.max(min).min(max).intoMemorySegment(out, o + stepOut, LE);
        }
      }
      for (; ox < oxTo; ox++, a += stepIn, o += stepOut) {
        long a1 = a + rowBytes;
        long a2 = a1 + rowBytes;
        FloatVector acc = FloatVector.fromMemorySegment(F, in, a, LE).fma(w0, bias);
        acc = FloatVector.fromMemorySegment(F, in, a + colBytes, LE).fma(w1, acc);
        acc = FloatVector.fromMemorySegment(F, in, a + 2 * colBytes, LE).fma(w2, acc);
        acc = FloatVector.fromMemorySegment(F, in, a1, LE).fma(w3, acc);
        acc = FloatVector.fromMemorySegment(F, in, a1 + colBytes, LE).fma(w4, acc);
        acc = FloatVector.fromMemorySegment(F, in, a1 + 2 * colBytes, LE).fma(w5, acc);
        acc = FloatVector.fromMemorySegment(F, in, a2, LE).fma(w6, acc);
        acc = FloatVector.fromMemorySegment(F, in, a2 + colBytes, LE).fma(w7, acc);
        acc = FloatVector.fromMemorySegment(F, in, a2 + 2 * colBytes, LE).fma(w8, acc);
        acc.max(min).min(max).intoMemorySegment(out, o, LE);
      }
    }
    if (full < c) {
      for (int ox = oxFrom; ox < oxTo; ox++) {
        depthwiseTail(op, 0, 3, 0, 3, rowIn + ((long) ox * op.strideW - op.padLeft) * c,
            rowOut + (long) ox * c, inW, in, out, min, max);
      }
    }
  }

  /**
   * Output columns {@code [oxFrom, oxTo)} of one row of a depthwise convolution of any kernel size
   * whose taps all lie on the input (5x5 is the common one). Too many weights to keep in
   * registers, so two output pixels are computed together: each weight vector loaded serves two
   * multiply-adds, and the two accumulator chains overlap.
   */
  private static void depthwiseInterior(
      DepthwiseConv2dNhwc op, int oxFrom, int oxTo, int inW, long rowIn, long rowOut,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final int kh = op.kernelH;
    final int kw = op.kernelW;
    final float[] w = op.packed;
    final int full = c - c % L;
    final long colBytes = (long) op.dilationW * c * B;
    final long rowBytes = (long) op.dilationH * inW * c * B;
    final long stepIn = (long) op.strideW * c * B;
    final long stepOut = (long) c * B;
    final long firstIn = (rowIn + ((long) oxFrom * op.strideW - op.padLeft) * c) * B;
    final long firstOut = (rowOut + (long) oxFrom * c) * B;
    for (int c0 = 0, wt = 0; c0 < full; c0 += L, wt += op.tileStride) {
      FloatVector bias = FloatVector.fromArray(F, w, wt);
      long a = firstIn + c0 * B;
      long o = firstOut + c0 * B;
      int ox = oxFrom;
      for (; ox + 1 < oxTo; ox += 2, a += 2 * stepIn, o += 2 * stepOut) {
        FloatVector acc0 = bias;
        FloatVector acc1 = bias;
        long row = a;
        int wk = wt + L;
        for (int ky = 0; ky < kh; ky++, row += rowBytes) {
          long at = row;
          for (int kx = 0; kx < kw; kx++, at += colBytes, wk += L) {
            FloatVector wv = FloatVector.fromArray(F, w, wk);
            acc0 = FloatVector.fromMemorySegment(F, in, at, LE).fma(wv, acc0);
            acc1 = FloatVector.fromMemorySegment(F, in, at + stepIn, LE).fma(wv, acc1);
          }
        }
        acc0.max(min).min(max).intoMemorySegment(out, o, LE);
        acc1.max(min).min(max).intoMemorySegment(out, o + stepOut, LE);
      }
      if (ox < oxTo) {
        FloatVector acc0 = bias;
        long row = a;
        int wk = wt + L;
        for (int ky = 0; ky < kh; ky++, row += rowBytes) {
          long at = row;
          for (int kx = 0; kx < kw; kx++, at += colBytes, wk += L) {
            acc0 = FloatVector.fromMemorySegment(F, in, at, LE)
                .fma(FloatVector.fromArray(F, w, wk), acc0);
          }
        }
        acc0.max(min).min(max).intoMemorySegment(out, o, LE);
      }
    }
    if (full < c) {
      for (int ox = oxFrom; ox < oxTo; ox++) {
        depthwiseTail(op, 0, kh, 0, kw, rowIn + ((long) ox * op.strideW - op.padLeft) * c,
            rowOut + (long) ox * c, inW, in, out, min, max);
      }
    }
  }

  /** One output pixel of a depthwise convolution, any kernel, taps limited to the input. */
  private static void depthwisePixel(
      DepthwiseConv2dNhwc op, int ky0, int ky1, int ox, int inW, long rowIn, long rowOut,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final int kw = op.kernelW;
    final int dw = op.dilationW;
    final float[] w = op.packed;
    final int full = c - c % L;
    final long colStep = (long) dw * c;
    final long rowStep = (long) op.dilationH * inW * c;
    int bx = ox * op.strideW - op.padLeft;
    int kx0 = NhwcChecks.firstTap(bx, dw);
    int kx1 = NhwcChecks.endTap(bx, dw, inW, kw);
    long pixel0 = rowIn + (long) bx * c;
    long o = rowOut + (long) ox * c;
    for (int c0 = 0, wt = 0; c0 < full; c0 += L, wt += op.tileStride) {
      FloatVector acc = FloatVector.fromArray(F, w, wt);
      for (int ky = ky0; ky < ky1; ky++) {
        long row = pixel0 + ky * rowStep + c0;
        int wk = wt + (1 + ky * kw) * L;
        for (int kx = kx0; kx < kx1; kx++) {
          FloatVector x = FloatVector.fromMemorySegment(F, in, (row + kx * colStep) * B, LE);
          acc = x.fma(FloatVector.fromArray(F, w, wk + kx * L), acc);
        }
      }
      acc.max(min).min(max).intoMemorySegment(out, (o + c0) * B, LE);
    }
    if (full < c) {
      depthwiseTail(op, ky0, ky1, kx0, kx1, pixel0, o, inW, in, out, min, max);
    }
  }

  /** The channels past the last full vector of one output pixel, from the same packed tile. */
  private static void depthwiseTail(
      DepthwiseConv2dNhwc op, int ky0, int ky1, int kx0, int kx1, long pixel0, long o, int inW,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final int kw = op.kernelW;
    final float[] w = op.packed;
    final int full = c - c % L;
    final long colStep = (long) op.dilationW * c;
    final long rowStep = (long) op.dilationH * inW * c;
    final int wTail = full / L * op.tileStride;
    for (int j = full; j < c; j++) {
      int wj = wTail + (j - full);
      float acc = w[wj];
      for (int ky = ky0; ky < ky1; ky++) {
        long row = pixel0 + ky * rowStep + j;
        int wk = wj + (1 + ky * kw) * L;
        for (int kx = kx0; kx < kx1; kx++) {
          acc = Math.fma(in.getAtIndex(FLOAT, row + kx * colStep), w[wk + kx * L], acc);
        }
      }
      out.setAtIndex(FLOAT, o + j, Math.min(Math.max(acc, min), max));
    }
  }

  @Override
  public void maxPool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    final int c = op.channels;
    final int sw = op.strideW;
    final int dh = op.dilationH;
    final int dw = op.dilationW;
    final int pl = op.padLeft;
    final boolean threeByThree = op.poolH == 3 && op.poolW == 3;
    // Output columns whose three taps all lie on the input: bx >= 0 and bx + 2 * dw < inW.
    final int oxFrom = Math.min(outW, Math.ceilDiv(pl, sw));
    final int oxTo = Math.max(oxFrom, Math.min(outW, Math.floorDiv(inW - 1 - 2 * dw + pl, sw) + 1));
    for (int n = rowFrom / outH; n * outH < rowTo; n++) {
      int oyTo = Math.min(outH, rowTo - n * outH);
      for (int oy = Math.max(0, rowFrom - n * outH); oy < oyTo; oy++) {
        int by = oy * op.strideH - op.padTop;
        int ky0 = NhwcChecks.firstTap(by, dh);
        int ky1 = NhwcChecks.endTap(by, dh, inH, op.poolH);
        long rowIn = inOff + ((long) n * inH + by) * inW * c;
        long rowOut = outOff + ((long) n * outH + oy) * outW * c;
        if (ky0 >= ky1) {
          for (int ox = 0; ox < outW; ox++) {
            op.maxPoolWithoutValidTaps(
                n, oy, ox, inH, inW, in, inOff, out, rowOut + (long) ox * c, min, max);
          }
        } else if (threeByThree && ky0 == 0 && ky1 == 3 && oxFrom < oxTo) {
          for (int ox = 0; ox < oxFrom; ox++) {
            maxPoolPixel(op, n, oy, ky0, ky1, ox, inH, inW, inOff, rowIn, rowOut, in, out, min,
                max);
          }
          maxPool3x3Interior(op, oxFrom, oxTo, inW, rowIn, rowOut, in, out, min, max);
          for (int ox = oxTo; ox < outW; ox++) {
            maxPoolPixel(op, n, oy, ky0, ky1, ox, inH, inW, inOff, rowIn, rowOut, in, out, min,
                max);
          }
        } else {
          for (int ox = 0; ox < outW; ox++) {
            maxPoolPixel(op, n, oy, ky0, ky1, ox, inH, inW, inOff, rowIn, rowOut, in, out, min,
                max);
          }
        }
      }
    }
  }

  /**
   * Output columns {@code [oxFrom, oxTo)} of one row of a 3x3 max pooling whose nine taps all lie
   * on the input: one channel tile at a time along the row, nine loads and maxima per vector in a
   * long counted loop.
   */
  private static void maxPool3x3Interior(
      Pooling2dNhwc op, int oxFrom, int oxTo, int inW, long rowIn, long rowOut,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final int full = c - c % L;
    final long colBytes = (long) op.dilationW * c * B;
    final long rowBytes = (long) op.dilationH * inW * c * B;
    final long stepIn = (long) op.strideW * c * B;
    final long stepOut = (long) c * B;
    final long firstIn = (rowIn + ((long) oxFrom * op.strideW - op.padLeft) * c) * B;
    final long firstOut = (rowOut + (long) oxFrom * c) * B;
    for (int c0 = 0; c0 < full; c0 += L) {
      long a = firstIn + c0 * B;
      long o = firstOut + c0 * B;
      for (int ox = oxFrom; ox < oxTo; ox++, a += stepIn, o += stepOut) {
        long a1 = a + rowBytes;
        long a2 = a1 + rowBytes;
        FloatVector m = FloatVector.fromMemorySegment(F, in, a, LE);
        m = m.max(FloatVector.fromMemorySegment(F, in, a + colBytes, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a + 2 * colBytes, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a1, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a1 + colBytes, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a1 + 2 * colBytes, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a2, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a2 + colBytes, LE));
        m = m.max(FloatVector.fromMemorySegment(F, in, a2 + 2 * colBytes, LE));
        m.max(min).min(max).intoMemorySegment(out, o, LE);
      }
    }
    if (full < c) {
      for (int ox = oxFrom; ox < oxTo; ox++) {
        maxPoolTail(op, 0, 3, 0, 3, rowIn + ((long) ox * op.strideW - op.padLeft) * c,
            rowOut + (long) ox * c, inW, in, out, min, max);
      }
    }
  }

  /** One output pixel of a max pooling, any window, over the window's valid taps. */
  private static void maxPoolPixel(
      Pooling2dNhwc op, int n, int oy, int ky0, int ky1, int ox, int inH, int inW, long inOff,
      long rowIn, long rowOut, MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final int dw = op.dilationW;
    final int full = c - c % L;
    final long colStep = (long) dw * c;
    final long rowStep = (long) op.dilationH * inW * c;
    int bx = ox * op.strideW - op.padLeft;
    int kx0 = NhwcChecks.firstTap(bx, dw);
    int kx1 = NhwcChecks.endTap(bx, dw, inW, op.poolW);
    long o = rowOut + (long) ox * c;
    if (kx0 >= kx1) {
      op.maxPoolWithoutValidTaps(n, oy, ox, inH, inW, in, inOff, out, o, min, max);
      return;
    }
    long pixel0 = rowIn + (long) bx * c;
    for (int c0 = 0; c0 < full; c0 += L) {
      FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
      for (int ky = ky0; ky < ky1; ky++) {
        long row = pixel0 + ky * rowStep + c0;
        for (int kx = kx0; kx < kx1; kx++) {
          acc = acc.max(FloatVector.fromMemorySegment(F, in, (row + kx * colStep) * B, LE));
        }
      }
      acc.max(min).min(max).intoMemorySegment(out, (o + c0) * B, LE);
    }
    if (full < c) {
      maxPoolTail(op, ky0, ky1, kx0, kx1, pixel0, o, inW, in, out, min, max);
    }
  }

  /** The channels past the last full vector of one max-pooled pixel. */
  private static void maxPoolTail(
      Pooling2dNhwc op, int ky0, int ky1, int kx0, int kx1, long pixel0, long o, int inW,
      MemorySegment in, MemorySegment out, float min, float max) {
    final int c = op.channels;
    final long colStep = (long) op.dilationW * c;
    final long rowStep = (long) op.dilationH * inW * c;
    for (int j = c - c % L; j < c; j++) {
      float acc = Float.NEGATIVE_INFINITY;
      for (int ky = ky0; ky < ky1; ky++) {
        long row = pixel0 + ky * rowStep + j;
        for (int kx = kx0; kx < kx1; kx++) {
          acc = Math.max(acc, in.getAtIndex(FLOAT, row + kx * colStep));
        }
      }
      out.setAtIndex(FLOAT, o + j, Math.min(Math.max(acc, min), max));
    }
  }

  @Override
  public void averagePool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max) {
    final int c = op.channels;
    final int full = c - c % L;
    final long rowStep = (long) inW * c;
    for (int n = rowFrom / outH; n * outH < rowTo; n++) {
      int oyTo = Math.min(outH, rowTo - n * outH);
      for (int oy = Math.max(0, rowFrom - n * outH); oy < oyTo; oy++) {
        int by = oy * op.strideH - op.padTop;
        int ky0 = NhwcChecks.firstTap(by, 1);
        int ky1 = NhwcChecks.endTap(by, 1, inH, op.poolH);
        for (int ox = 0; ox < outW; ox++) {
          int bx = ox * op.strideW - op.padLeft;
          int kx0 = NhwcChecks.firstTap(bx, 1);
          int kx1 = NhwcChecks.endTap(bx, 1, inW, op.poolW);
          long o = outOff + (((long) n * outH + oy) * outW + ox) * c;
          // prepare keeps every window on the input, so the count is at least 1.
          float scale = 1f / (float) ((ky1 - ky0) * (kx1 - kx0));
          long first = inOff + (((long) n * inH + by + ky0) * inW + bx) * c;
          for (int c0 = 0; c0 < full; c0 += L) {
            FloatVector acc = FloatVector.zero(F);
            long row = first + c0;
            for (int ky = ky0; ky < ky1; ky++, row += rowStep) {
              for (int kx = kx0; kx < kx1; kx++) {
                acc = acc.add(FloatVector.fromMemorySegment(F, in, (row + (long) kx * c) * B, LE));
              }
            }
            acc.mul(scale).max(min).min(max).intoMemorySegment(out, (o + c0) * B, LE);
          }
          for (int j = full; j < c; j++) {
            float acc = 0f;
            long row = first + j;
            for (int ky = ky0; ky < ky1; ky++, row += rowStep) {
              for (int kx = kx0; kx < kx1; kx++) {
                acc += in.getAtIndex(FLOAT, row + (long) kx * c);
              }
            }
            out.setAtIndex(FLOAT, o + j, Math.min(Math.max(acc * scale, min), max));
          }
        }
      }
    }
  }

  @Override
  public void globalAverage(
      int batch, int pixels, int channels, float scale, MemorySegment in, long inOff,
      MemorySegment out, long outOff, float min, float max) {
    final long pixelBytes = (long) channels * B;
    for (int n = 0; n < batch; n++) {
      long image = inOff + (long) n * pixels * channels;
      long o = outOff + (long) n * channels;
      int c0 = 0;
      // Four independent sums per pass: each add waits only for its own chain, and each pixel's
      // four loads are one contiguous run.
      for (; c0 + 4 * L <= channels; c0 += 4 * L) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        long at = (image + c0) * B;
        for (int p = 0; p < pixels; p++, at += pixelBytes) {
          a0 = a0.add(FloatVector.fromMemorySegment(F, in, at, LE));
          a1 = a1.add(FloatVector.fromMemorySegment(F, in, at + L * B, LE));
          a2 = a2.add(FloatVector.fromMemorySegment(F, in, at + 2 * L * B, LE));
          a3 = a3.add(FloatVector.fromMemorySegment(F, in, at + 3 * L * B, LE));
        }
        long ob = (o + c0) * B;
        a0.mul(scale).max(min).min(max).intoMemorySegment(out, ob, LE);
        a1.mul(scale).max(min).min(max).intoMemorySegment(out, ob + L * B, LE);
        a2.mul(scale).max(min).min(max).intoMemorySegment(out, ob + 2 * L * B, LE);
        a3.mul(scale).max(min).min(max).intoMemorySegment(out, ob + 3 * L * B, LE);
      }
      for (; c0 + L <= channels; c0 += L) {
        FloatVector a0 = FloatVector.zero(F);
        long at = (image + c0) * B;
        for (int p = 0; p < pixels; p++, at += pixelBytes) {
          a0 = a0.add(FloatVector.fromMemorySegment(F, in, at, LE));
        }
        a0.mul(scale).max(min).min(max).intoMemorySegment(out, (o + c0) * B, LE);
      }
      for (int j = c0; j < channels; j++) {
        float sum = 0f;
        for (int p = 0; p < pixels; p++) {
          sum += in.getAtIndex(FLOAT, image + (long) p * channels + j);
        }
        out.setAtIndex(FLOAT, o + j, Math.min(Math.max(sum * scale, min), max));
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
    final int full = c - c % L;
    float scaleY = op.scale(inH, outH);
    float scaleX = op.scale(inW, outW);
    for (int n = 0; n < batch; n++) {
      for (int oy = 0; oy < outH; oy++) {
        float y = op.source(oy, scaleY, inH);
        int top = (int) y;
        int bottom = Math.min(top + 1, inH - 1);
        float alphaY = y - (float) top;
        FloatVector ay = FloatVector.broadcast(F, alphaY);
        long rowT = inOff + ((long) n * inH + top) * inW * c;
        long rowB = inOff + ((long) n * inH + bottom) * inW * c;
        for (int ox = 0; ox < outW; ox++) {
          float x = op.source(ox, scaleX, inW);
          int left = (int) x;
          int right = Math.min(left + 1, inW - 1);
          float alphaX = x - (float) left;
          FloatVector ax = FloatVector.broadcast(F, alphaX);
          long o = outOff + (((long) n * outH + oy) * outW + ox) * c;
          long tl = rowT + (long) left * c;
          long tr = rowT + (long) right * c;
          long bl = rowB + (long) left * c;
          long br = rowB + (long) right * c;
          for (int c0 = 0; c0 < full; c0 += L) {
            FloatVector vtl = FloatVector.fromMemorySegment(F, in, (tl + c0) * B, LE);
            FloatVector vtr = FloatVector.fromMemorySegment(F, in, (tr + c0) * B, LE);
            FloatVector vbl = FloatVector.fromMemorySegment(F, in, (bl + c0) * B, LE);
            FloatVector vbr = FloatVector.fromMemorySegment(F, in, (br + c0) * B, LE);
            FloatVector t = vtr.sub(vtl).fma(ax, vtl);
            FloatVector b = vbr.sub(vbl).fma(ax, vbl);
            b.sub(t).fma(ay, t).intoMemorySegment(out, (o + c0) * B, LE);
          }
          for (int j = full; j < c; j++) {
            float ftl = in.getAtIndex(FLOAT, tl + j);
            float ftr = in.getAtIndex(FLOAT, tr + j);
            float fbl = in.getAtIndex(FLOAT, bl + j);
            float fbr = in.getAtIndex(FLOAT, br + j);
            float t = Math.fma(ftr - ftl, alphaX, ftl);
            float b = Math.fma(fbr - fbl, alphaX, fbl);
            out.setAtIndex(FLOAT, o + j, Math.fma(b - t, alphaY, t));
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
    final float[] bias = op.bias;
    for (int n = 0; n < batch; n++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          long o = outOff + (((long) n * outH + oy) * outW + ox) * oc;
          for (int g = 0; g < groups; g++) {
            int j = 0;
            // Four vectors of output channels stay in registers across every tap and input
            // channel; each input value is broadcast once per four multiply-adds.
            for (; j + 4 * L <= ocg; j += 4 * L) {
              int bj = g * ocg + j;
              FloatVector a0 = FloatVector.fromArray(F, bias, bj);
              FloatVector a1 = FloatVector.fromArray(F, bias, bj + L);
              FloatVector a2 = FloatVector.fromArray(F, bias, bj + 2 * L);
              FloatVector a3 = FloatVector.fromArray(F, bias, bj + 3 * L);
              for (int ky = 0; ky < kh; ky++) {
                int ty = oy + op.padTop - ky * op.dilationH;
                if (ty < 0 || ty % sh != 0 || ty / sh >= inH) {
                  continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                  int tx = ox + op.padLeft - kx * op.dilationW;
                  if (tx < 0 || tx % sw != 0 || tx / sw >= inW) {
                    continue;
                  }
                  long ib = inOff + (((long) n * inH + ty / sh) * inW + tx / sw) * ic
                      + (long) g * cg;
                  int wb = ((g * kh + ky) * kw + kx) * cg * ocg + j;
                  for (int k = 0; k < cg; k++, wb += ocg) {
                    FloatVector x = FloatVector.broadcast(F, in.getAtIndex(FLOAT, ib + k));
                    a0 = x.fma(FloatVector.fromArray(F, w, wb), a0);
                    a1 = x.fma(FloatVector.fromArray(F, w, wb + L), a1);
                    a2 = x.fma(FloatVector.fromArray(F, w, wb + 2 * L), a2);
                    a3 = x.fma(FloatVector.fromArray(F, w, wb + 3 * L), a3);
                  }
                }
              }
              long ob = (o + (long) g * ocg + j) * B;
              a0.max(min).min(max).intoMemorySegment(out, ob, LE);
              a1.max(min).min(max).intoMemorySegment(out, ob + L * B, LE);
              a2.max(min).min(max).intoMemorySegment(out, ob + 2 * L * B, LE);
              a3.max(min).min(max).intoMemorySegment(out, ob + 3 * L * B, LE);
            }
            for (; j + L <= ocg; j += L) {
              FloatVector a0 = FloatVector.fromArray(F, bias, g * ocg + j);
              for (int ky = 0; ky < kh; ky++) {
                int ty = oy + op.padTop - ky * op.dilationH;
                if (ty < 0 || ty % sh != 0 || ty / sh >= inH) {
                  continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                  int tx = ox + op.padLeft - kx * op.dilationW;
                  if (tx < 0 || tx % sw != 0 || tx / sw >= inW) {
                    continue;
                  }
                  long ib = inOff + (((long) n * inH + ty / sh) * inW + tx / sw) * ic
                      + (long) g * cg;
                  int wb = ((g * kh + ky) * kw + kx) * cg * ocg + j;
                  for (int k = 0; k < cg; k++, wb += ocg) {
                    FloatVector x = FloatVector.broadcast(F, in.getAtIndex(FLOAT, ib + k));
                    a0 = x.fma(FloatVector.fromArray(F, w, wb), a0);
                  }
                }
              }
              a0.max(min).min(max).intoMemorySegment(out, (o + (long) g * ocg + j) * B, LE);
            }
            for (; j < ocg; j++) {
              float acc = bias[g * ocg + j];
              for (int ky = 0; ky < kh; ky++) {
                int ty = oy + op.padTop - ky * op.dilationH;
                if (ty < 0 || ty % sh != 0 || ty / sh >= inH) {
                  continue;
                }
                for (int kx = 0; kx < kw; kx++) {
                  int tx = ox + op.padLeft - kx * op.dilationW;
                  if (tx < 0 || tx % sw != 0 || tx / sw >= inW) {
                    continue;
                  }
                  long ib = inOff + (((long) n * inH + ty / sh) * inW + tx / sw) * ic
                      + (long) g * cg;
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
