package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The arithmetic that XNNPACK's statically quantized int8 ({@code qs8}) operators share, with the
 * exact float order of XNNPACK 75db3c093b, so that every kernel of this family gives XNNPACK's
 * integers:
 *
 * <ul>
 *   <li>{@link #quantizeBound}: {@code xnn_qs8_quantize} of {@code src/xnnpack/requantization.h},
 *       which the subgraph uses to turn a node's real-valued {@code output_min} / {@code
 *       output_max} into int8 bounds ({@code src/subgraph/convolution-2d.c}, {@code
 *       fully-connected.c}, {@code max-pooling-2d.c}; the clamp node that {@code
 *       xnn_insert_clamp_node} adds after {@code Add}, {@code Multiply} and the mean uses the same
 *       function in {@code xnn_init_qs8_clamp_scalar_params}, {@code src/microparams-init.c}).
 *   <li>{@link #requantizationScale}: {@code input_scale * kernel_scale[c] / output_scale} of
 *       {@code init_requantization_scale_qx8_qc8w} ({@code src/operators/convolution-nhwc.c}) and
 *       {@code setup_scale_params_qx8_qcyw} ({@code src/operators/fully-connected-nc.c}).
 *   <li>{@link #requantize}: the fp32 "fmagic" requantization of {@code
 *       src/qs8-qc8w-gemm/gen/qs8-qc8w-gemm-*-minmax-fp32-scalar-fmagic.c} (and the dwconv twins).
 *       The AVX-512 VNNI kernels this machine runs ({@code *-avx512vnni-prfm.c}) clamp only the
 *       upper bound in float, round with {@code cvtps_epi32}, add the zero point and clamp below in
 *       int8; for every accumulator whose scaled value is above {@code -2^31} that is the same
 *       integer, since rounding is monotonic and both bounds are integers.
 * </ul>
 */
public final class StaticQuantization {
  static final ValueLayout.OfByte I8 = ValueLayout.JAVA_BYTE;
  static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;

  /** {@code 12582912.0f = 1.5 * 2^23}: adding it rounds any |x| < 2^22 to an integer, ties even. */
  private static final float MAGIC_BIAS = 12582912.0f;

  private static final int MAGIC_BIAS_BITS = 0x4B400000;

  private StaticQuantization() {}

  /**
   * {@code xnn_qs8_quantize(value, scale, zeroPoint)}: {@code lrintf(fminf(fmaxf(value / scale +
   * zp, -128), 127))}. Infinite bounds saturate to -128 / 127; like C's {@code fmaxf}, a NaN gives
   * the other operand (so NaN maps to -128).
   */
  public static int quantizeBound(float value, float scale, int zeroPoint) {
    float q = value / scale + (float) zeroPoint;
    q = q >= -128.0f ? q : -128.0f; // fmaxf: NaN loses
    q = q <= 127.0f ? q : 127.0f;
    return (int) Math.rint(q);
  }

  /**
   * The int8 output range {@code {qmin, qmax}} of a node whose fused activation clamps to the real
   * interval {@code [outMin, outMax]} (infinite for none, {@code [0, inf]} for relu), each bound
   * quantized with {@link #quantizeBound}. Throws if the range is empty, as XNNPACK's operator
   * creation does ({@code output_min > output_max}).
   */
  public static int[] outputRange(float outMin, float outMax, float outScale, int outZp) {
    checkQuantization("output", outScale, outZp);
    int qmin = quantizeBound(outMin, outScale, outZp);
    int qmax = quantizeBound(outMax, outScale, outZp);
    if (qmin > qmax) {
      throw new IllegalArgumentException(
          "quantized output range [" + qmin + ", " + qmax + "] from [" + outMin + ", " + outMax
              + "] is empty");
    }
    return new int[] {qmin, qmax};
  }

  /**
   * {@code inScale * wScale / outScale} in float, left to right as XNNPACK computes it; XNNPACK
   * refuses a convolution or fully-connected operator whose scale is 256 or more.
   */
  public static float requantizationScale(float inScale, float wScale, float outScale) {
    float s = inScale * wScale / outScale;
    if (!(s < 256.0f) || !(s >= 0.0f)) {
      throw new IllegalArgumentException(
          "requantization scale " + s + " = " + inScale + " * " + wScale + " / " + outScale
              + " must be in [0, 256)");
    }
    return s;
  }

  /**
   * XNNPACK's fp32 requantization of an int32 accumulator: {@code float(acc) * scale}, clamped to
   * {@code [qmin - zp, qmax - zp]} in float, rounded to nearest-even with the magic bias, plus the
   * zero point. The result is in {@code [qmin, qmax]}.
   */
  public static int requantize(int acc, float scale, int zp, int qmin, int qmax) {
    float f = (float) acc * scale;
    float lo = (float) (qmin - zp);
    float hi = (float) (qmax - zp);
    f = f > lo ? f : lo;
    f = f < hi ? f : hi;
    return Float.floatToRawIntBits(f + MAGIC_BIAS) - (MAGIC_BIAS_BITS - zp);
  }

  static void checkQuantization(String what, float scale, int zp) {
    if (!(scale > 0.0f) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException(what + " scale must be positive and finite, not " + scale);
    }
    if (zp < -128 || zp > 127) {
      throw new IllegalArgumentException(what + " zero point must be in [-128, 127], not " + zp);
    }
  }

  static void checkBytes(String op, String what, MemorySegment s, long off, long count) {
    if (off < 0 || count < 0 || off > s.byteSize() - count) {
      throw new IndexOutOfBoundsException(
          op + ": " + what + " needs " + count + " int8 elements at " + off + ", segment has "
              + s.byteSize());
    }
  }

  static void checkInts(String op, String what, MemorySegment s, long off, long count) {
    if (off < 0 || count < 0 || off > s.byteSize() / 4 - count) {
      throw new IndexOutOfBoundsException(
          op + ": " + what + " needs " + count + " int32 elements at " + off + ", segment has "
              + s.byteSize() + " bytes");
    }
  }

  static void positive(String op, String what, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(op + ": " + what + " must be positive, not " + v);
    }
  }

  static void nonNegative(String op, String what, long v) {
    if (v < 0) {
      throw new IllegalArgumentException(op + ": " + what + " must not be negative, not " + v);
    }
  }

  /** {@code (in + padA + padB - dilation * (kernel - 1) - 1) / stride + 1}, at least 1. */
  static int convolutionOutput(
      String op, String axis, int in, int padA, int padB, int kernel, int stride, int dilation) {
    positive(op, "input " + axis, in);
    long span = (long) in + padA + padB - (long) dilation * (kernel - 1) - 1;
    if (span < 0) {
      throw new IllegalArgumentException(
          op + ": input " + axis + " " + in + " with padding " + padA + "+" + padB
              + " is smaller than the dilated kernel " + ((long) dilation * (kernel - 1) + 1));
    }
    return (int) (span / stride + 1);
  }
}
