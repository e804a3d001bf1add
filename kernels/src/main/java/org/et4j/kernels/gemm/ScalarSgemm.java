package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar {@link Sgemm}: the oracle for the vector one and the fallback without the Vector API.
 * Row by row, in i-p-j order so that the inner loop walks {@code B} and the row accumulator with
 * unit stride when {@code B} is not transposed; each element sums its products in ascending
 * {@code p}, in float, as the straightforward definition does.
 */
public final class ScalarSgemm implements Sgemm {
  static final ScalarSgemm INSTANCE = new ScalarSgemm();

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** One row of accumulators per thread, grown on demand, so steady-state calls allocate nothing. */
  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

  private ScalarSgemm() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void multiply(
      int m,
      int n,
      int k,
      float alpha,
      MemorySegment a,
      long aOffset,
      long lda,
      boolean transA,
      MemorySegment b,
      long bOffset,
      long ldb,
      boolean transB,
      float beta,
      MemorySegment addend,
      long addendOffset,
      long addendRowStride,
      long addendColStride,
      MemorySegment c,
      long cOffset,
      long ldc) {
    GemmArgs.check(m, n, k);
    if (m == 0 || n == 0) {
      return;
    }
    float[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new float[n];
    }
    float[] acc = holder[0];
    boolean products = alpha != 0 && k > 0;
    for (int i = 0; i < m; i++) {
      java.util.Arrays.fill(acc, 0, n, 0f);
      if (products) {
        for (int p = 0; p < k; p++) {
          float av = a.getAtIndex(FLOAT, aOffset + (transA ? p * lda + i : i * lda + p));
          if (transB) {
            for (int j = 0; j < n; j++) {
              acc[j] += av * b.getAtIndex(FLOAT, bOffset + j * ldb + p);
            }
          } else {
            long row = bOffset + p * ldb;
            for (int j = 0; j < n; j++) {
              acc[j] += av * b.getAtIndex(FLOAT, row + j);
            }
          }
        }
      }
      long cRow = cOffset + i * ldc;
      long dRow = addendOffset + i * addendRowStride;
      for (int j = 0; j < n; j++) {
        float v = alpha * acc[j];
        if (beta != 0) {
          v += beta * addend.getAtIndex(FLOAT, dRow + j * addendColStride);
        }
        c.setAtIndex(FLOAT, cRow + j, v);
      }
    }
  }

  /** Panel width of the scalar packing; any width is correct, 8 keeps the panel walk short. */
  static final int NR = 8;

  @Override
  public PackedMatrix packB(
      int k, int n, MemorySegment w, long wOffset, long ldw, boolean nByK, MemorySegment bias,
      long biasOffset) {
    return PackedMatrix.pack(this, NR, k, n, w, wOffset, ldw, nByK, bias, biasOffset);
  }

  /**
   * Row by row: the accumulator row starts from the bias, then each {@code A(i, p)} scales row
   * {@code p} of every panel into it, in ascending {@code p}; the clamp is applied on the store.
   */
  @Override
  public void multiplyPacked(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c, long cOffset,
      long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkMultiply(m, a, aOffset, lda, b, c, cOffset, ldc, min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    float[] acc = accumulators(b);
    for (int i = 0; i < m; i++) {
      startFromBias(b, acc);
      long aRow = aOffset + i * lda;
      for (int p = 0; p < b.k; p++) {
        addScaledRow(b, p, a.getAtIndex(FLOAT, aRow + p), acc);
      }
      storeClamped(b, acc, c, cOffset + i * ldc, min, max);
    }
  }

  /** As {@link #multiplyPacked}, with A's row segments found through the indirection table. */
  @Override
  public void multiplyIndirect(
      int m, int taps, int channels, int[] indirection, int indirectionOffset, MemorySegment a,
      long aOffset, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkIndirect(
        m, taps, channels, indirection, indirectionOffset, a, aOffset, b, c, cOffset, ldc, min,
        max);
    if (m == 0 || b.n == 0) {
      return;
    }
    float[] acc = accumulators(b);
    for (int i = 0; i < m; i++) {
      startFromBias(b, acc);
      for (int t = 0; t < taps; t++) {
        int e = indirection[indirectionOffset + i * taps + t];
        if (e < 0) {
          continue; // the zero row adds nothing
        }
        long row = aOffset + e;
        for (int q = 0; q < channels; q++) {
          addScaledRow(b, t * channels + q, a.getAtIndex(FLOAT, row + q), acc);
        }
      }
      storeClamped(b, acc, c, cOffset + i * ldc, min, max);
    }
  }

  private static float[] accumulators(PackedMatrix b) {
    float[][] holder = ROW.get();
    if (holder[0].length < b.n) {
      holder[0] = new float[b.n];
    }
    return holder[0];
  }

  private static void startFromBias(PackedMatrix b, float[] acc) {
    for (int j = 0; j < b.n; j++) {
      acc[j] = b.data[j / NR * b.panelStride + j % NR];
    }
  }

  /** {@code acc[j] += av * B(p, j)} for every column, panel by panel. */
  private static void addScaledRow(PackedMatrix b, int p, float av, float[] acc) {
    float[] data = b.data;
    for (int j0 = 0; j0 < b.n; j0 += NR) {
      int at = j0 / NR * b.panelStride + (p + 1) * NR;
      int width = Math.min(NR, b.n - j0);
      for (int jj = 0; jj < width; jj++) {
        acc[j0 + jj] += av * data[at + jj];
      }
    }
  }

  /** XNNPACK's output clamp, {@code max(min(x, max), min)}: a NaN stays NaN. */
  private static void storeClamped(
      PackedMatrix b, float[] acc, MemorySegment c, long cRow, float min, float max) {
    for (int j = 0; j < b.n; j++) {
      c.setAtIndex(FLOAT, cRow + j, Math.max(Math.min(acc[j], max), min));
    }
  }
}
