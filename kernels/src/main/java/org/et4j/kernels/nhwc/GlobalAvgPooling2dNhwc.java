package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code GlobalAvgPooling2d} node: the mean over height and width of each channel,
 * {@code [N, H, W, C] -> [N, 1, 1, C]} (the same floats whether or not the node keeps the
 * dimensions). XNNPACK defines the node as a mean reduction over the two spatial axes followed by a
 * clamp ({@code src/subgraph/deprecated.c}, {@code src/operators/reduce-nd.c}): the pixels are
 * summed, then the sum is multiplied by the float {@code scale = 1f / (H * W)} computed once, then
 * clamped. This class computes exactly that order of operations, summing the pixels of each
 * channel in order (XNNPACK's reduction kernels split the sum over several partial accumulators,
 * so the last bits may differ).
 *
 * <p>Immutable: {@link #run} allocates nothing and may be called from several threads at once.
 */
public final class GlobalAvgPooling2dNhwc {
  private static final String NAME = "GlobalAvgPooling2d";

  private final NhwcKernels kernels;
  private final int channels;

  private GlobalAvgPooling2dNhwc(NhwcKernels kernels, int channels) {
    this.kernels = kernels;
    this.channels = channels;
  }

  /** A global average pooling over {@code channels} channels. */
  public static GlobalAvgPooling2dNhwc prepare(int channels) {
    return prepare(NhwcKernels.chosen(), channels);
  }

  /** {@link #prepare(int)} with the given compute loops; tests pass the scalar ones. */
  static GlobalAvgPooling2dNhwc prepare(NhwcKernels kernels, int channels) {
    NhwcChecks.positive(NAME, "channels", channels);
    return new GlobalAvgPooling2dNhwc(kernels, channels);
  }

  /** Channels. */
  public int channels() {
    return channels;
  }

  /**
   * Computes {@code out[N, 1, 1, C]} from {@code in[N, inH, inW, C]}, clamped to {@code [min,
   * max]}. Offsets count floats; the output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment in, long inOff, MemorySegment out, long outOff,
      float min, float max) {
    NhwcChecks.nonNegative(NAME, "batch", batch);
    NhwcChecks.positive(NAME, "input height", inH);
    NhwcChecks.positive(NAME, "input width", inW);
    NhwcChecks.clamp(NAME, min, max);
    NhwcChecks.floats(NAME, "input", in, inOff, NhwcChecks.elements(NAME, batch, inH, inW, channels));
    NhwcChecks.floats(NAME, "output", out, outOff, NhwcChecks.elements(NAME, batch, 1, 1, channels));
    long pixels = (long) inH * inW;
    if (pixels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(NAME + ": " + pixels + " pixels per image is too many");
    }
    if (batch == 0) {
      return;
    }
    float scale = 1f / (float) pixels;
    kernels.globalAverage(
        batch, (int) pixels, channels, scale, in, inOff, out, outOff, min, max);
  }
}
