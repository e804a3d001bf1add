package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.gemm.PackedMatrix;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.gemm.WindowGemm;

/**
 * XNNPACK's Convolution-2D operator ({@code xnn_create_convolution2d_nhwc_f32}) over channels-last
 * float32: input {@code [N, IH, IW, groups * CG]}, a constant filter {@code [groups * OCG, KH, KW,
 * CG]} ("OHWI") with an optional bias {@code [groups * OCG]}, output {@code [N, OH, OW, groups *
 * OCG]}, with padding, stride ("subsampling"), dilation and a fused output clamp. As in XNNPACK
 * there is no im2col: {@link #prepare} packs each group's filter once, "goki" with the bias first
 * ({@link Sgemm#packB} of the {@code [OCG, KH * KW * CG]} filter rows), and {@link #run} drives
 * {@link Sgemm#multiplyIndirect} (IGEMM) through an indirection table that names, for every output
 * pixel and kernel tap, the input pixel's channel row, or the zero row for a padding tap
 * ({@code xnn_indirection_init_conv2d}). The table depends only on the input's height and width,
 * so it is built on the first run and rebuilt only when they change. A 1x1 kernel with unit stride
 * and no padding is a plain GEMM over the input itself ({@link Sgemm#multiplyPacked}), as XNNPACK
 * turns it into a fully-connected operator.
 *
 * <p>The implementation (Vector API or scalar) is {@link Sgemm#get()}'s, fixed at prepare.
 *
 * <p>Not thread-safe: the cached indirection table makes {@link #run} stateful, so each delegate or
 * method owns its instance and runs it on one thread at a time. Within one call the GEMM shares
 * output pixels out over {@link org.et4j.kernels.util.Parallel}'s pool; the table is built by the
 * calling thread before the GEMM starts, and the pool's threads only read it. The packed weights
 * are private to the instance and the filter memory may be released after {@link #prepare}.
 */
public final class Conv2dNhwc {
  private final Sgemm gemm;
  private final int groups;
  private final int groupInputChannels;
  private final int groupOutputChannels;
  private final int kernelH;
  private final int kernelW;
  private final int strideH;
  private final int strideW;
  private final int dilationH;
  private final int dilationW;
  private final int padTop;
  private final int padRight;
  private final int padBottom;
  private final int padLeft;
  /** One packed {@code K x OCG} matrix per group, {@code K = KH * KW * CG}. */
  private final PackedMatrix[] weights;
  /** 1x1, unit stride, no padding: the input already is the GEMM's left operand. */
  private final boolean pointwise;

  // The indirection table of the last input shape, reused while the shape stays.
  private int tableInputH = -1;
  private int tableInputW = -1;
  private int[] table = new int[0];

  /**
   * Few input channels, one group, no dilation along the width: a tap is too short for the
   * gather of {@link Sgemm#multiplyIndirect} to pay, so the input is copied into a zero-padded
   * array and {@link WindowGemm} reads each pixel's receptive field from it in place.
   */
  private final boolean windowed;

  // The zero-padded copy of the last input shape; its border is never written, so stays zero.
  private int imageInputH = -1;
  private int imageInputW = -1;
  private float[] image = new float[0];

  /** Below this many channels a tap fills less than a 512-bit vector. */
  private static final int WINDOWED_MAX_CHANNELS = 15;

  private Conv2dNhwc(
      Sgemm gemm, int groups, int cg, int ocg, int kh, int kw, int sh, int sw, int dh, int dw,
      int pt, int pr, int pb, int pl, PackedMatrix[] weights) {
    this.gemm = gemm;
    this.groups = groups;
    this.groupInputChannels = cg;
    this.groupOutputChannels = ocg;
    this.kernelH = kh;
    this.kernelW = kw;
    this.strideH = sh;
    this.strideW = sw;
    this.dilationH = dh;
    this.dilationW = dw;
    this.padTop = pt;
    this.padRight = pr;
    this.padBottom = pb;
    this.padLeft = pl;
    this.weights = weights;
    this.pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pr == 0 && pb == 0
        && pl == 0;
    this.windowed = !pointwise && groups == 1 && dw == 1 && cg <= WINDOWED_MAX_CHANNELS;
  }

  /**
   * Validates the geometry and packs the filter and bias once per group. {@code filter} holds
   * {@code groups * OCG * KH * KW * CG} floats from {@code filterOffset}; {@code bias}, when not
   * null, {@code groups * OCG} floats from {@code biasOffset} (offsets count floats).
   *
   * @throws IllegalArgumentException naming the first invalid parameter: a count, kernel size,
   *     stride or dilation below 1, a negative padding, or a filter or bias outside its segment
   */
  public static Conv2dNhwc prepare(
      int groups, int groupInputChannels, int groupOutputChannels, int kernelH, int kernelW,
      int strideH, int strideW, int dilationH, int dilationW, int padTop, int padRight,
      int padBottom, int padLeft, MemorySegment filter, long filterOffset, MemorySegment bias,
      long biasOffset) {
    return prepare(
        Sgemm.get(), groups, groupInputChannels, groupOutputChannels, kernelH, kernelW, strideH,
        strideW, dilationH, dilationW, padTop, padRight, padBottom, padLeft, filter, filterOffset,
        bias, biasOffset);
  }

  /** {@link #prepare} with a given implementation, so tests can run the scalar oracle beside it. */
  static Conv2dNhwc prepare(
      Sgemm gemm, int groups, int groupInputChannels, int groupOutputChannels, int kernelH,
      int kernelW, int strideH, int strideW, int dilationH, int dilationW, int padTop,
      int padRight, int padBottom, int padLeft, MemorySegment filter, long filterOffset,
      MemorySegment bias, long biasOffset) {
    positive("groups", groups);
    positive("group input channels", groupInputChannels);
    positive("group output channels", groupOutputChannels);
    positive("kernel height", kernelH);
    positive("kernel width", kernelW);
    positive("stride height", strideH);
    positive("stride width", strideW);
    positive("dilation height", dilationH);
    positive("dilation width", dilationW);
    notNegative("top padding", padTop);
    notNegative("right padding", padRight);
    notNegative("bottom padding", padBottom);
    notNegative("left padding", padLeft);
    long k = (long) kernelH * kernelW * groupInputChannels;
    long outputChannels = (long) groups * groupOutputChannels;
    if (k > Integer.MAX_VALUE || (long) groups * groupInputChannels > Integer.MAX_VALUE
        || outputChannels > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "convolution too large: " + groups + " groups of " + groupInputChannels + " -> "
              + groupOutputChannels + " channels with a " + kernelH + "x" + kernelW + " kernel");
    }
    if (filter == null) {
      throw new IllegalArgumentException("convolution filter is null");
    }
    if (filterOffset < 0 || filterOffset + outputChannels * k > filter.byteSize() / Float.BYTES) {
      throw new IllegalArgumentException(
          "convolution filter [" + outputChannels + ", " + kernelH + ", " + kernelW + ", "
              + groupInputChannels + "] at offset " + filterOffset + " does not fit its "
              + filter.byteSize() / Float.BYTES + " floats");
    }
    if (bias != null
        && (biasOffset < 0 || biasOffset + outputChannels > bias.byteSize() / Float.BYTES)) {
      throw new IllegalArgumentException(
          "convolution bias of " + outputChannels + " floats at offset " + biasOffset
              + " does not fit its " + bias.byteSize() / Float.BYTES + " floats");
    }
    PackedMatrix[] weights = new PackedMatrix[groups];
    for (int g = 0; g < groups; g++) {
      // Group g's filter rows [OCG, KH * KW * CG] are B^T: B(p, j) with p = (ky * KW + kx) * CG
      // + c, the order in which the indirection table lists taps.
      weights[g] = gemm.packB(
          (int) k, groupOutputChannels, filter, filterOffset + g * groupOutputChannels * k, k,
          true, bias, biasOffset + (long) g * groupOutputChannels);
    }
    return new Conv2dNhwc(
        gemm, groups, groupInputChannels, groupOutputChannels, kernelH, kernelW, strideH, strideW,
        dilationH, dilationW, padTop, padRight, padBottom, padLeft, weights);
  }

  private static void positive(String what, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("convolution " + what + " must be >= 1, got " + value);
    }
  }

  private static void notNegative(String what, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("convolution " + what + " must be >= 0, got " + value);
    }
  }

  /**
   * {@code OH = (IH + padTop + padBottom - dilationH * (KH - 1) - 1) / strideH + 1}.
   *
   * @throws IllegalArgumentException if the dilated kernel does not fit the padded input
   */
  public int outputHeight(int inputHeight) {
    return outputSize("height", inputHeight, padTop, padBottom, kernelH, strideH, dilationH);
  }

  /** As {@link #outputHeight}, along the width with the left and right padding. */
  public int outputWidth(int inputWidth) {
    return outputSize("width", inputWidth, padLeft, padRight, kernelW, strideW, dilationW);
  }

  private static int outputSize(
      String what, int input, int padBefore, int padAfter, int kernel, int stride, int dilation) {
    if (input < 1) {
      throw new IllegalArgumentException(
          "convolution input " + what + " must be >= 1, got " + input);
    }
    long span = (long) dilation * (kernel - 1) + 1;
    long room = (long) input + padBefore + padAfter - span;
    if (room < 0) {
      throw new IllegalArgumentException(
          "convolution input " + what + " " + input + " with padding " + padBefore + "+" + padAfter
              + " is smaller than the dilated kernel's " + span);
    }
    return (int) (room / stride + 1);
  }

  /**
   * Convolves {@code batch} images: {@code out} receives {@code clamp(conv(in) + bias, min, max)}
   * ({@code min}/{@code max} may be infinite). Offsets count floats; {@code out} must not overlap
   * {@code in}. Allocates nothing when the input height and width equal the previous call's.
   *
   * @throws IllegalArgumentException if the shape gives an empty output, if {@code min > max}, or
   *     if the input or output does not fit its segment
   */
  public void run(
      int batch, int inputH, int inputW, MemorySegment in, long inOffset, MemorySegment out,
      long outOffset, float min, float max) {
    if (batch < 0) {
      throw new IllegalArgumentException("convolution batch must be >= 0, got " + batch);
    }
    int oh = outputHeight(inputH);
    int ow = outputWidth(inputW);
    if (!(min <= max)) {
      throw new IllegalArgumentException(
          "convolution output clamp needs min <= max, got [" + min + ", " + max + "]");
    }
    long inChannels = (long) groups * groupInputChannels;
    long outChannels = (long) groups * groupOutputChannels;
    long inImage = (long) inputH * inputW * inChannels;
    long outImage = (long) oh * ow * outChannels;
    if (inImage > Integer.MAX_VALUE || (long) oh * ow * kernelH * kernelW > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "convolution input " + inputH + "x" + inputW + "x" + inChannels + " is too large");
    }
    checkFits("input", in, inOffset, batch * inImage);
    checkFits("output", out, outOffset, batch * outImage);
    if (batch == 0) {
      return;
    }
    if (pointwise) {
      // XNNPACK turns this case into a fully-connected operator: rows are pixels of all images.
      long pixels = (long) batch * inputH * inputW;
      int imagesPerCall = pixels <= Integer.MAX_VALUE ? batch : 1;
      int rows = (int) ((long) imagesPerCall * inputH * inputW);
      for (int b = 0; b < batch; b += imagesPerCall) {
        for (int g = 0; g < groups; g++) {
          gemm.multiplyPacked(
              rows, in, inOffset + b * inImage + (long) g * groupInputChannels, inChannels,
              weights[g], out, outOffset + b * outImage + (long) g * groupOutputChannels,
              outChannels, min, max);
        }
      }
      return;
    }
    if (windowed && runWindowed(batch, inputH, inputW, oh, ow, in, inOffset, out, outOffset,
        min, max)) {
      return;
    }
    int[] indirection = indirection(inputH, inputW, oh, ow, (int) inChannels);
    int taps = kernelH * kernelW;
    for (int b = 0; b < batch; b++) {
      for (int g = 0; g < groups; g++) {
        gemm.multiplyIndirect(
            oh * ow, taps, groupInputChannels, indirection, 0, in,
            inOffset + b * inImage + (long) g * groupInputChannels, weights[g], out,
            outOffset + b * outImage + (long) g * groupOutputChannels, outChannels, min, max);
      }
    }
  }

  /**
   * The {@link #windowed} case, one output row per {@link WindowGemm} call: each image is copied
   * (a bulk copy per input row) into the interior of the padded array, and output row {@code oy}
   * reads padded rows {@code oy * strideH + ky * dilationH}. Returns false, leaving the work to the
   * indirect GEMM, when the padded image would not fit one array.
   */
  private boolean runWindowed(
      int batch, int inputH, int inputW, int oh, int ow, MemorySegment in, long inOffset,
      MemorySegment out, long outOffset, float min, float max) {
    int c = groupInputChannels;
    long rowFloats = ((long) inputW + padLeft + padRight) * c;
    long floats = ((long) inputH + padTop + padBottom) * rowFloats;
    if (floats > Integer.MAX_VALUE - 16) {
      return false;
    }
    if (inputH != imageInputH || inputW != imageInputW) {
      image = new float[(int) floats];
      imageInputH = inputH;
      imageInputW = inputW;
    }
    int rf = (int) rowFloats;
    // A one-row kernel never steps between rows; otherwise the step stays inside the image.
    int rowStride = kernelH == 1 ? 0 : dilationH * rf;
    int oc = groupOutputChannels;
    long inImage = (long) inputH * inputW * c;
    long outImage = (long) oh * ow * oc;
    for (int b = 0; b < batch; b++) {
      long src = inOffset + b * inImage;
      for (int y = 0; y < inputH; y++) {
        MemorySegment.copy(
            in, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED,
            (src + (long) y * inputW * c) * Float.BYTES, image, (y + padTop) * rf + padLeft * c,
            inputW * c);
      }
      for (int oy = 0; oy < oh; oy++) {
        WindowGemm.multiply(
            gemm, ow, image, oy * strideH * rf, strideW * c, kernelH, rowStride, kernelW * c,
            weights[0], out, outOffset + b * outImage + (long) oy * ow * oc, oc, min, max);
      }
    }
    return true;
  }

  private static void checkFits(String what, MemorySegment s, long offset, long floats) {
    if (s == null || offset < 0 || offset + floats > s.byteSize() / Float.BYTES) {
      throw new IllegalArgumentException(
          "convolution " + what + " of " + floats + " floats at offset " + offset + " does not fit "
              + (s == null ? "a null segment" : "its " + s.byteSize() / Float.BYTES + " floats"));
    }
  }

  /**
   * XNNPACK's {@code xnn_indirection_init_conv2d}: for output pixel {@code (oy, ox)} and tap {@code
   * (ky, kx)}, entry {@code (oy * OW + ox) * KH * KW + ky * KW + kx} is the offset, in floats from
   * the image's start, of input pixel {@code (oy * sH - padTop + ky * dH, ox * sW - padLeft + kx *
   * dW)}'s channel row, or -1 (the zero row) when that pixel lies in the padding. XNNPACK orders
   * entries tap-major within each MR-pixel tile, for its pointer-walking micro-kernel; here they
   * are pixel-major, the order in which {@link Sgemm#multiplyIndirect} reads one pixel's taps, which
   * also frees the table from the kernel's tile height. Groups and batch images share the table:
   * their offsets are added by the GEMM's base offset.
   */
  private int[] indirection(int inputH, int inputW, int oh, int ow, int inChannels) {
    if (inputH == tableInputH && inputW == tableInputW) {
      return table;
    }
    int taps = kernelH * kernelW;
    int[] t = new int[oh * ow * taps];
    int e = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        for (int ky = 0; ky < kernelH; ky++) {
          long iy = (long) oy * strideH - padTop + (long) ky * dilationH;
          for (int kx = 0; kx < kernelW; kx++, e++) {
            long ix = (long) ox * strideW - padLeft + (long) kx * dilationW;
            boolean inside = iy >= 0 && iy < inputH && ix >= 0 && ix < inputW;
            t[e] = inside ? (int) ((iy * inputW + ix) * inChannels) : -1;
          }
        }
      }
    }
    table = t;
    tableInputH = inputH;
    tableInputW = inputW;
    return t;
  }
}
