package org.et4j.kernels.gemm;

/** Argument checks shared by the {@link Sgemm} implementations. */
final class GemmArgs {
  private GemmArgs() {}

  static void check(int m, int n, int k) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
    }
  }
}
