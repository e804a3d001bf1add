package org.et4j.kernels.gemm;

/**
 * The geometry of one {@link Sgemm#multiply(GemmShape, java.lang.foreign.MemorySegment, long,
 * java.lang.foreign.MemorySegment, long, java.lang.foreign.MemorySegment, long,
 * java.lang.foreign.MemorySegment, long) multiply}: sizes, scales, transposes and leading
 * dimensions, everything but the memory and its offsets. It depends on shapes only, so an op makes
 * it once per shape (at prepare, or when an input's shape moves) and each call passes only where
 * the operands are; a call then allocates nothing.
 *
 * <p>{@code C(i, j) = alpha * sum_p op(A)(i, p) op(B)(p, j) + beta * D(i, j)}, with {@code op(A)}
 * {@code m x k} (element {@code (i, p)} at {@code i * lda + p}, or {@code p * lda + i} when
 * {@code transA}), {@code op(B)} {@code k x n} likewise, {@code D(i, j)} at {@code i *
 * addendRowStride + j * addendColStride} and {@code C(i, j)} at {@code i * ldc + j}, all in floats
 * from the call's offsets. Build one with {@link #of} and the {@code with...} methods:
 *
 * <pre>{@code
 * GemmShape.of(m, n, k).transposeB(k).addend(1f, 0, 1)   // linear: x @ W^T + bias row
 * }</pre>
 *
 * @param m rows of {@code C}
 * @param n columns of {@code C}
 * @param k the inner dimension
 * @param alpha scale of the product
 * @param transA whether {@code A} is stored {@code k x m}
 * @param lda leading dimension of {@code A} as stored
 * @param transB whether {@code B} is stored {@code n x k}
 * @param ldb leading dimension of {@code B} as stored
 * @param beta scale of the addend; 0: the addend is not read (it may be null)
 * @param addendRowStride the addend's row stride (0 broadcasts a row)
 * @param addendColStride the addend's column stride (0 broadcasts a per-row value)
 * @param ldc leading dimension of {@code C}
 */
public record GemmShape(
    int m,
    int n,
    int k,
    float alpha,
    boolean transA,
    long lda,
    boolean transB,
    long ldb,
    float beta,
    long addendRowStride,
    long addendColStride,
    long ldc) {

  /** @throws IllegalArgumentException on a negative size */
  public GemmShape {
    GemmArgs.check(m, n, k);
  }

  /** {@code C = A B}, all three row-major and dense: {@code lda = k}, {@code ldb = ldc = n}. */
  public static GemmShape of(int m, int n, int k) {
    return new GemmShape(m, n, k, 1f, false, k, false, n, 0f, 0, 0, n);
  }

  /** This product with {@code A} read transposed from a matrix of leading dimension {@code lda}. */
  public GemmShape transposeA(long lda) {
    return new GemmShape(m, n, k, alpha, true, lda, transB, ldb, beta, addendRowStride, addendColStride, ldc);
  }

  /** This product with {@code B} read transposed from a matrix of leading dimension {@code ldb}. */
  public GemmShape transposeB(long ldb) {
    return new GemmShape(m, n, k, alpha, transA, lda, true, ldb, beta, addendRowStride, addendColStride, ldc);
  }

  /** This product with other leading dimensions (each as stored, so transposes keep theirs). */
  public GemmShape leadingDimensions(long lda, long ldb, long ldc) {
    return new GemmShape(m, n, k, alpha, transA, lda, transB, ldb, beta, addendRowStride, addendColStride, ldc);
  }

  /** This product scaled by {@code alpha}. */
  public GemmShape scaled(float alpha) {
    return new GemmShape(m, n, k, alpha, transA, lda, transB, ldb, beta, addendRowStride, addendColStride, ldc);
  }

  /** This product plus {@code beta} times an addend read with these strides. */
  public GemmShape addend(float beta, long rowStride, long colStride) {
    return new GemmShape(m, n, k, alpha, transA, lda, transB, ldb, beta, rowStride, colStride, ldc);
  }

  /** BLAS's accumulation {@code C = alpha A B + beta C}: the addend is {@code C} itself. */
  public GemmShape accumulate(float beta) {
    return addend(beta, ldc, 1);
  }
}
