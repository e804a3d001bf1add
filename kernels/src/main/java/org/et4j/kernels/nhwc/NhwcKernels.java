package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * The compute loops of the NHWC kernels, one implementation with the Vector API and its scalar
 * twin, the oracle it is tested against. The public kernel classes validate, pack and compute
 * shapes; these methods only compute, reading the prepared parameters from the kernel object.
 * Arguments are trusted here: every bound was checked by the caller. Kernels that take {@code
 * rowFrom, rowTo} compute only output rows {@code [rowFrom, rowTo)} of the batch, row {@code r}
 * being image {@code r / outH}, row {@code r % outH}: the unit {@link OutputRowsJob} shares out
 * over the compute pool. They only read the prepared op, so any number may run at once.
 */
interface NhwcKernels {

  /** The implementation chosen for this JVM (see {@link org.et4j.kernels.util.VectorSupport}). */
  static NhwcKernels chosen() {
    return NhwcKernelsSelection.CHOSEN;
  }

  /** The scalar implementation. */
  static NhwcKernels scalar() {
    return ScalarNhwcKernels.INSTANCE;
  }

  /** A short name for reports, e.g. {@code vector(512-bit)} or {@code scalar}. */
  String name();

  /** Channels per packed depthwise tile: {@code [bias tile][tap0 tile]...[tapK-1 tile]}. */
  int depthwiseTile();

  void depthwise(
      DepthwiseConv2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max);

  void maxPool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max);

  void averagePool(
      Pooling2dNhwc op, int rowFrom, int rowTo, int inH, int inW, int outH, int outW,
      MemorySegment in, long inOff, MemorySegment out, long outOff, float min, float max);

  /** Per image and channel: sum over {@code pixels} rows, times {@code scale}, clamped. */
  void globalAverage(
      int batch, int pixels, int channels, float scale, MemorySegment in, long inOff,
      MemorySegment out, long outOff, float min, float max);

  void resizeBilinear(
      ResizeBilinearNhwc op, int batch, int inH, int inW, MemorySegment in, long inOff,
      MemorySegment out, long outOff);

  void deconvolution(
      ConvTranspose2dNhwc op, int batch, int inH, int inW, int outH, int outW, MemorySegment in,
      long inOff, MemorySegment out, long outOff, float min, float max);
}
