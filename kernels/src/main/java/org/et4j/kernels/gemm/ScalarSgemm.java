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
}
