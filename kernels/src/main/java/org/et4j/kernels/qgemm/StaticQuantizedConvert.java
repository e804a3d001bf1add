package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * XNNPACK's {@code Convert} between fp32 and per-tensor {@code qint8}, as this machine runs it:
 *
 * <ul>
 *   <li>fp32 to qint8, {@code src/f32-qs8-vcvt/gen/f32-qs8-vcvt-avx512skx-u128.c} with {@code
 *       xnn_init_f32_qs8_cvt_scalar_params} ({@code scale = 1.0f / outScale}): {@code v = min(x *
 *       scale, 32767)} ({@code minps}, so a NaN becomes 32767), rounded to nearest-even with
 *       {@code cvtps_epi32} (anything below {@code -2^31} becomes {@code INT_MIN}), saturated to
 *       int16, plus the zero point with int16 saturation, saturated to int8. That is {@code
 *       clamp(rint(x * scale) + zp, -128, 127)}, NaN giving 127.
 *   <li>qint8 to fp32, {@code src/qs8-f32-vcvt/gen/qs8-f32-vcvt-avx512skx-u32.c}: {@code
 *       float(x - zp) * inScale}.
 * </ul>
 */
public final class StaticQuantizedConvert {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final String OP = "Convert(qs8)";

  private StaticQuantizedConvert() {}

  /** fp32 {@code x[xi ..]} to qint8 {@code y[yi ..]}, {@code n} elements; offsets in elements. */
  public static void quantize(
      MemorySegment x, long xi, MemorySegment y, long yi, long n, float outScale, int outZp) {
    StaticQuantization.checkQuantization(OP + " output", outScale, outZp);
    StaticQuantization.nonNegative(OP, "count", n);
    if (xi < 0 || xi > x.byteSize() / 4 - n) {
      throw new IndexOutOfBoundsException(OP + ": input needs " + n + " floats at " + xi);
    }
    StaticQuantization.checkBytes(OP, "output", y, yi, n);
    float scale = 1.0f / outScale;
    for (long i = 0; i < n; i++) {
      y.set(StaticQuantization.I8, yi + i, (byte) quantizeOne(x.getAtIndex(F32, xi + i), scale, outZp));
    }
  }

  /** One element with {@code scale = 1.0f / outScale} already taken. */
  static int quantizeOne(float x, float scale, int zp) {
    float v = x * scale;
    v = v < 32767.0f ? v : 32767.0f; // minps returns the second operand for NaN
    // cvtps_epi32 then int16 saturation: rint in range, INT_MIN (-> -32768) below it.
    int r = v >= -32768.0f ? (int) Math.rint(v) : -32768;
    return Math.min(Math.max(r + zp, -128), 127);
  }

  /** qint8 {@code x[xi ..]} to fp32 {@code y[yi ..]}, {@code n} elements; offsets in elements. */
  public static void dequantize(
      MemorySegment x, long xi, MemorySegment y, long yi, long n, float inScale, int inZp) {
    StaticQuantization.checkQuantization(OP + " input", inScale, inZp);
    StaticQuantization.nonNegative(OP, "count", n);
    StaticQuantization.checkBytes(OP, "input", x, xi, n);
    if (yi < 0 || yi > y.byteSize() / 4 - n) {
      throw new IndexOutOfBoundsException(OP + ": output needs " + n + " floats at " + yi);
    }
    for (long i = 0; i < n; i++) {
      y.setAtIndex(F32, yi + i, (float) (x.get(StaticQuantization.I8, xi + i) - inZp) * inScale);
    }
  }
}
