package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code GlobalAvgPooling2d} of a {@code qint8} NHWC tensor. At 75db3c093b the node is a
 * mean reduction over H and W ({@code xnn_define_global_average_pooling_2d}, {@code
 * src/subgraph/deprecated.c}, defines a {@code static_reduce} mean and a separate clamp node): the
 * {@code qs8-rdsum} kernels sum the int8 values into int32 exactly, then the reference int32 to
 * qint8 convert ({@code src/reference/unary-elementwise.cc}) requantizes with the parameters that
 * {@code reshape_reduce_nd} ({@code src/operators/reduce-nd.c}) rewrites:
 *
 * <pre>
 *   count = H * W
 *   scale = (inScale / outScale) * (1.0f / count)      xnn_init / xnn_update_qs8_reduce_scalar_params
 *   yZp   = (float) outZp - ((float) count * (float) inZp) * scale                   (float)
 *   y     = clamp(nearbyint(float(sum) * scale + yZp), -128, 127)       round_float_to_int (NaN to 0)
 *   y     = clamp(y, qmin, qmax)                                                  the clamp node
 * </pre>
 *
 * All float operations are separate roundings (the reference is compiled without FMA contraction
 * for baseline x86-64). Immutable: {@link #run} allocates nothing.
 */
public final class StaticQuantizedGlobalAvgPool {
  private static final String OP = "GlobalAvgPooling2d(qs8)";

  final int channels;
  final float inScale;
  final int inZp;
  final float outScale;
  final int outZp;
  final int qmin;
  final int qmax;

  private StaticQuantizedGlobalAvgPool(
      int channels, float inScale, int inZp, float outScale, int outZp, int qmin, int qmax) {
    this.channels = channels;
    this.inScale = inScale;
    this.inZp = inZp;
    this.outScale = outScale;
    this.outZp = outZp;
    this.qmin = qmin;
    this.qmax = qmax;
  }

  /** {@code outMin} / {@code outMax}: the real-valued clamp of the node (infinite for none). */
  public static StaticQuantizedGlobalAvgPool prepare(
      int channels, float inScale, int inZp, float outScale, int outZp, float outMin,
      float outMax) {
    StaticQuantization.positive(OP, "channels", channels);
    StaticQuantization.checkQuantization(OP + " input", inScale, inZp);
    int[] range = StaticQuantization.outputRange(outMin, outMax, outScale, outZp);
    return new StaticQuantizedGlobalAvgPool(
        channels, inScale, inZp, outScale, outZp, range[0], range[1]);
  }

  /**
   * {@code y[batch, 1, 1, C] = mean over (h, w) of x[batch, h, w, C]}; offsets count int8
   * elements.
   */
  public void run(int batch, int h, int w, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.nonNegative(OP, "batch", batch);
    StaticQuantization.positive(OP, "height", h);
    StaticQuantization.positive(OP, "width", w);
    long pixels = (long) h * w;
    StaticQuantization.checkBytes(OP, "input", x, xOff, batch * pixels * channels);
    StaticQuantization.checkBytes(OP, "output", y, yOff, (long) batch * channels);
    int count = Math.toIntExact(pixels);
    float scale = (inScale / outScale) * (1.0f / (float) count);
    float yZp = (float) outZp - ((float) count * (float) inZp) * scale;
    for (int b = 0; b < batch; b++) {
      long base = xOff + b * pixels * channels;
      for (int c = 0; c < channels; c++) {
        int sum = 0;
        for (long p = 0; p < pixels; p++) {
          sum += x.get(StaticQuantization.I8, base + p * channels + c);
        }
        y.set(StaticQuantization.I8, yOff + (long) b * channels + c, (byte) quantize(sum, scale, yZp));
      }
    }
  }

  /** XNNPACK's {@code quantize<int8>(float(sum), scale, yZp)}, then the clamp node. */
  int quantize(int sum, float scale, float yZp) {
    float v = (float) sum * scale + yZp;
    v = Float.isNaN(v) ? 0.0f : (float) Math.rint(v);
    v = Math.max(v, -128.0f);
    v = Math.min(v, 127.0f);
    return Math.min(Math.max((int) v, qmin), qmax);
  }
}
