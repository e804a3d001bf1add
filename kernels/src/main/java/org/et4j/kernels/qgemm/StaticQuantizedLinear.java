package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * XNNPACK's {@code FullyConnected} with a {@code qint8} input and output, {@code qcint8} (or
 * per-tensor {@code qint8}) constant weights and an optional {@code qcint32} bias ({@code
 * xnn_create_fully_connected_nc_qs8_qc8w}, {@code src/operators/fully-connected-nc.c}). For row
 * {@code i} and output channel {@code j}:
 *
 * <pre>
 *   acc   = packedBias[j] + sum_p x[i][p] * w[j][p]          (int32, wrapping)
 *         = bias[j] + sum_p (x[i][p] - inZp) * w[j][p]
 *   y     = requantize(acc, inScale * wScale[j] / outScale, outZp, qmin, qmax)
 * </pre>
 *
 * with {@link StaticQuantization#requantize} ({@code
 * src/qs8-qc8w-gemm/gen/qs8-qc8w-gemm-*-minmax-fp32-scalar-fmagic.c}) and {@code [qmin, qmax] =
 * }{@link StaticQuantization#outputRange}. Immutable after {@link #prepare}: {@link #run} allocates
 * nothing and may be called from several threads at once.
 */
public final class StaticQuantizedLinear {
  private static final String OP = "FullyConnected(qs8)";

  final StaticQuantizedFilter filter;
  /** The vector IGEMM and its packing (as a 1x1 convolution over a 1 x m image), or null. */
  private final StaticQuantizedIgemm igemm;
  private final StaticQuantizedPanels panels;

  private StaticQuantizedLinear(StaticQuantizedFilter filter) {
    this.filter = filter;
    this.igemm = StaticQuantizedIgemm.chosen();
    this.panels =
        igemm == null
            ? null
            : StaticQuantizedPanels.pack(
                filter, igemm.nr(), 1, filter.k, filter.n, 1, 1, 1, 1, 1, 1, 0, 0);
  }

  /**
   * Packs the weights once. {@code w} holds {@code n * k} int8 weights at element {@code wOff},
   * {@code [n, k]} when {@code nByK} (XNNPACK's default) or {@code [k, n]} ({@code
   * XNN_FLAG_TRANSPOSE_WEIGHTS}); {@code wScales} has {@code n} per-channel scales or one
   * per-tensor scale; {@code biasI32} (nullable) holds {@code n} int32 values at element {@code
   * biasOff}. {@code outMin} / {@code outMax} are the node's real-valued clamp bounds (infinite for
   * none).
   */
  public static StaticQuantizedLinear prepare(
      int n, int k, MemorySegment w, long wOff, boolean nByK, float[] wScales,
      MemorySegment biasI32, long biasOff, float inScale, int inZp, float outScale, int outZp,
      float outMin, float outMax) {
    StaticQuantization.positive(OP, "output channels", n);
    StaticQuantization.positive(OP, "input channels", k);
    StaticQuantization.checkBytes(OP, "weights", w, wOff, (long) n * k);
    byte[] rows = new byte[Math.multiplyExact(n, k)];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        long at = nByK ? (long) j * k + p : (long) p * n + j;
        rows[j * k + p] = w.get(StaticQuantization.I8, wOff + at);
      }
    }
    return new StaticQuantizedLinear(
        StaticQuantizedFilter.of(
            OP, n, k, rows, wScales, biasI32, biasOff, inScale, inZp, outScale, outZp, outMin,
            outMax));
  }

  /** Output channels. */
  public int n() {
    return filter.n;
  }

  /** Input channels. */
  public int k() {
    return filter.k;
  }

  /** The int8 output range {@code [qmin, qmax]} of the fused clamp. */
  public int[] outputRange() {
    return new int[] {filter.qmin, filter.qmax};
  }

  /**
   * {@code y[m, n] = FullyConnected(x[m, k])}, rows contiguous; offsets count int8 elements. The
   * output must not overlap the input.
   */
  public void run(int m, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.nonNegative(OP, "rows", m);
    StaticQuantization.checkBytes(OP, "input", x, xOff, (long) m * filter.k);
    StaticQuantization.checkBytes(OP, "output", y, yOff, (long) m * filter.n);
    if (igemm != null) {
      igemm.run(panels, 1, 1, m, 1, m, x, xOff, y, yOff);
    } else {
      scalar(filter, m, x, xOff, filter.k, y, yOff, filter.n);
    }
  }

  /** The scalar oracle, used when the Vector API is off; tests call it directly. */
  void runScalar(int m, MemorySegment x, long xOff, MemorySegment y, long yOff) {
    StaticQuantization.checkBytes(OP, "input", x, xOff, (long) m * filter.k);
    StaticQuantization.checkBytes(OP, "output", y, yOff, (long) m * filter.n);
    scalar(filter, m, x, xOff, filter.k, y, yOff, filter.n);
  }

  /** Rows of {@code k} int8 at {@code xOff + i * ldx}, outputs at {@code yOff + i * ldy}. */
  static void scalar(
      StaticQuantizedFilter f, int m, MemorySegment x, long xOff, long ldx, MemorySegment y,
      long yOff, long ldy) {
    int k = f.k;
    byte[] w = f.rows;
    for (int i = 0; i < m; i++) {
      long xRow = xOff + i * ldx;
      long yRow = yOff + i * ldy;
      for (int j = 0; j < f.n; j++) {
        int acc = f.bias[j];
        int wRow = j * k;
        for (int p = 0; p < k; p++) {
          acc += x.get(StaticQuantization.I8, xRow + p) * w[wRow + p];
        }
        y.set(
            StaticQuantization.I8,
            yRow + j,
            (byte) StaticQuantization.requantize(acc, f.scale[j], f.outZp, f.qmin, f.qmax));
      }
    }
  }
}
