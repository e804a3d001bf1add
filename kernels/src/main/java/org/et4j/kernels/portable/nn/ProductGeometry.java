package org.et4j.kernels.portable.nn;

import org.et4j.kernels.gemm.GemmShape;

/**
 * One matrix-product call site's {@link GemmShape}, for the sizes of its last call: remade only
 * when they change, so that a call of a static-shape op allocates nothing. The ops of this package
 * multiply a row-major {@code A [m, k]} by {@code B}, stored {@code [k, n]} or, transposed, {@code
 * [n, k]}, into a dense {@code C [m, n]}; scales and the transpose are fixed at bind.
 *
 * <p>Not thread-safe: one instance per call site, owned by its single-threaded method.
 */
final class ProductGeometry {
  private final float alpha;
  private final boolean transB;
  private final float beta;
  private GemmShape shape;

  /**
   * @param alpha the product's scale (as float32 computes it; other dtypes take theirs separately)
   * @param transB whether {@code B} is stored {@code [n, k]}
   * @param beta the addend's scale; 0 for none
   */
  ProductGeometry(double alpha, boolean transB, double beta) {
    this.alpha = (float) alpha;
    this.transB = transB;
    this.beta = (float) beta;
  }

  /** The geometry of {@code [m, k] x [k, n]} with the addend read at these strides. */
  GemmShape shape(int m, int n, int k, long addendRowStride, long addendColStride) {
    GemmShape s = shape;
    if (s == null || s.m() != m || s.n() != n || s.k() != k
        || s.addendRowStride() != addendRowStride || s.addendColStride() != addendColStride) {
      s = new GemmShape(
          m, n, k, alpha, false, k, transB, transB ? k : n, beta, addendRowStride, addendColStride, n);
      shape = s;
    }
    return s;
  }
}
