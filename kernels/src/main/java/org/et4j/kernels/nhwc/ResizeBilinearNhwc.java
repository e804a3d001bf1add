package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code StaticResizeBilinear2D} node over channels-last float32 data: {@code [N, IH, IW,
 * C] -> [N, OH, OW, C]} with the output size fixed when the node is defined.
 *
 * <p>Source coordinates are computed as XNNPACK's {@code
 * xnn_indirection_init_resize_bilinear2d_hwc_f32} does, in float arithmetic, separately per axis:
 *
 * <ul>
 *   <li>{@link #ALIGN_CORNERS}: {@code scale = (in - 1) / (out - 1)} (just {@code in / out} when
 *       {@code out == 1}), {@code src = min(o * scale, in - 1)}: PyTorch's {@code
 *       upsample_bilinear2d(align_corners=True)}.
 *   <li>{@link #TENSORFLOW_LEGACY_MODE}: {@code scale = in / out}, {@code src = min(o * scale, in -
 *       1)}: TensorFlow 1's resize without half-pixel centers.
 *   <li>neither: half-pixel centers, {@code scale = in / out}, {@code src = clamp(o * scale + (0.5 *
 *       scale - 0.5), 0, in - 1)}: PyTorch's {@code align_corners=False}.
 * </ul>
 *
 * Then {@code top = (int) src}, {@code bottom = min(top + 1, in - 1)}, {@code alpha = src - top},
 * and the four neighbours are blended as XNNPACK's {@code f32-ibilinear} kernels do: horizontally
 * {@code t = tl + (tr - tl) * alphaX}, {@code b = bl + (br - bl) * alphaX}, then vertically {@code
 * t + (b - t) * alphaY}, each step one fused multiply-add.
 *
 * <p>Immutable: {@link #run} allocates nothing and may be called from several threads at once.
 */
public final class ResizeBilinearNhwc {
  private static final String NAME = "StaticResizeBilinear2D";

  /** XNNPACK's {@code XNN_FLAG_TENSORFLOW_LEGACY_MODE}. */
  public static final int TENSORFLOW_LEGACY_MODE = 0x4;

  /** XNNPACK's {@code XNN_FLAG_ALIGN_CORNERS}. */
  public static final int ALIGN_CORNERS = 0x8;

  /** XNNPACK asserts every dimension below 2^24, where floats still count pixels exactly. */
  private static final int MAX_DIM = 1 << 24;

  final NhwcKernels kernels;
  final int channels;
  final int outH;
  final int outW;
  final boolean alignCorners;
  final boolean halfPixel;

  private ResizeBilinearNhwc(
      NhwcKernels kernels, int channels, int outH, int outW, boolean alignCorners,
      boolean halfPixel) {
    this.kernels = kernels;
    this.channels = channels;
    this.outH = outH;
    this.outW = outW;
    this.alignCorners = alignCorners;
    this.halfPixel = halfPixel;
  }

  /**
   * A resize to {@code outH x outW}; {@code flags} is 0, {@link #ALIGN_CORNERS} or {@link
   * #TENSORFLOW_LEGACY_MODE} (mutually exclusive, as in XNNPACK).
   */
  public static ResizeBilinearNhwc prepare(int channels, int outH, int outW, int flags) {
    return prepare(NhwcKernels.chosen(), channels, outH, outW, flags);
  }

  /** {@link #prepare(int, int, int, int)} with the given compute loops; tests pass the scalar ones. */
  static ResizeBilinearNhwc prepare(
      NhwcKernels kernels, int channels, int outH, int outW, int flags) {
    NhwcChecks.positive(NAME, "channels", channels);
    checkDim("output height", outH);
    checkDim("output width", outW);
    if ((flags & ~(ALIGN_CORNERS | TENSORFLOW_LEGACY_MODE)) != 0) {
      throw new IllegalArgumentException(
          NAME + ": unknown flags 0x" + Integer.toHexString(flags)
              + "; only ALIGN_CORNERS (0x8) and TENSORFLOW_LEGACY_MODE (0x4) are defined");
    }
    boolean align = (flags & ALIGN_CORNERS) != 0;
    boolean legacy = (flags & TENSORFLOW_LEGACY_MODE) != 0;
    if (align && legacy) {
      throw new IllegalArgumentException(
          NAME + ": ALIGN_CORNERS and TENSORFLOW_LEGACY_MODE are mutually exclusive");
    }
    return new ResizeBilinearNhwc(kernels, channels, outH, outW, align, !align && !legacy);
  }

  private static void checkDim(String name, int value) {
    if (value < 1 || value >= MAX_DIM) {
      throw new IllegalArgumentException(
          NAME + ": " + name + " must be in [1, 2^24), got " + value);
    }
  }

  /** Channels. */
  public int channels() {
    return channels;
  }

  /** The output height. */
  public int outputHeight() {
    return outH;
  }

  /** The output width. */
  public int outputWidth() {
    return outW;
  }

  /** {@code (in - adj) / (out - adj)} in floats, {@code adj = 1} only for aligned corners. */
  float scale(int in, int out) {
    int adjustment = alignCorners && out != 1 ? 1 : 0;
    return (float) (in - adjustment) / (float) (out - adjustment);
  }

  /** The source coordinate of output index {@code o} on an axis of {@code in} input pixels. */
  float source(int o, float scale, int in) {
    float max = (float) (in - 1);
    if (halfPixel) {
      float s = (float) o * scale + (0.5f * scale - 0.5f);
      return Math.min(Math.max(s, 0f), max);
    }
    return Math.min((float) o * scale, max);
  }

  /**
   * Computes {@code out[N, outH, outW, C]} from {@code in[N, inH, inW, C]}. Offsets count floats;
   * the output must not overlap the input.
   */
  public void run(
      int batch, int inH, int inW, MemorySegment in, long inOff, MemorySegment out, long outOff) {
    NhwcChecks.nonNegative(NAME, "batch", batch);
    checkDim("input height", inH);
    checkDim("input width", inW);
    NhwcChecks.floats(NAME, "input", in, inOff, NhwcChecks.elements(NAME, batch, inH, inW, channels));
    NhwcChecks.floats(
        NAME, "output", out, outOff, NhwcChecks.elements(NAME, batch, outH, outW, channels));
    if (batch == 0) {
      return;
    }
    kernels.resizeBilinear(this, batch, inH, inW, in, inOff, out, outOff);
  }
}
