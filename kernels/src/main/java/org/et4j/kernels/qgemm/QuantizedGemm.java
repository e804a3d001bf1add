package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * The dynamically quantized matrix product behind XNNPACK's {@code FullyConnected} with a {@code
 * qdint8} input and {@code qcint8}, {@code qcint4} or {@code qbint4} constant weights, fp32 bias
 * and output and a fused clamp. For row {@code i} of the activations ({@code q}, zero point
 * {@code zp_i}, scale {@code sa_i}) and output channel {@code j}, in XNNPACK's float order:
 *
 * <pre>
 * per channel (qc8w, qc4w), src/qd8-f32-qc8w-gemm/ and src/qd8-f32-qc4w-gemm/ (x86 SIMD kernels):
 *   acc    = sum_p q(i, p) * w(p, j) - zp_i * sum_p w(p, j)                          (int32)
 *   out    = fma(float(acc) * sa_i, sw_j, bias_j)
 * blockwise (qb4w), src/qd8-f32-qb4w-gemm/ (x86 SIMD kernels), zp' = zp_i + off, q' = q + off:
 *   v      = ksum_j * float(zp')       ksum_j = -sum_chunks float(sum w) * s(j, b), packed once
 *   v      = fma(float(sum_{p in b} q'(i, p) * w(p, j)), s(j, b), v)   for each block b in order
 *   out    = v * sa_i + bias_j
 * then     out = min(max(out, min), max)
 * </pre>
 *
 * where {@code off} is 128 when the weights were packed for XNNPACK's {@code qdu8} kernels and 0
 * otherwise (see {@link QuantizedWeights#packQb4w}). The integer sums are exact in every
 * implementation, so all implementations give the same bits.
 *
 * <p>Output row {@code i} is written at float index {@code cOffset + i * ldc} of {@code c}.
 * Implementations allocate nothing per call and keep no state: calls on different threads are
 * independent. One call shares its outputs (weight panels, or row tiles) out over {@link
 * org.et4j.kernels.util.Parallel}'s pool; the results do not depend on the thread count.
 */
public interface QuantizedGemm {

  /**
   * The implementation chosen for this JVM: the Vector API one when {@code jdk.incubator.vector}
   * is present and {@code et4j.vector} is not {@code off}, the scalar one otherwise.
   */
  static QuantizedGemm get() {
    return QuantizedGemmSelection.CHOSEN;
  }

  /** The scalar implementation, the oracle that the vector one is tested against. */
  static QuantizedGemm scalar() {
    return ScalarQuantizedGemm.INSTANCE;
  }

  /** A short name for reports, e.g. {@code vector(512-bit, 4x32)} or {@code scalar}. */
  String name();

  /** The output channels per weight panel this implementation wants at pack time. */
  int panelWidth();

  /**
   * {@code c = clamp(a * w)} for the {@link QuantizedRows#rows()} rows of {@code a}; see the class
   * documentation.
   */
  void multiply(
      QuantizedRows a, QuantizedWeights w, MemorySegment c, long cOffset, long ldc, float min,
      float max);

  /**
   * A {@code Convert} (fp32 to {@code qdint8}) followed by a {@code FullyConnected}: quantizes
   * {@code m} fp32 rows (row {@code i} at float index {@code aOffset + i * lda}) into {@code
   * workspace} with {@link DynamicQuantization}, then multiplies.
   */
  default void multiplyFloat(
      int m,
      MemorySegment a,
      long aOffset,
      long lda,
      QuantizedRows workspace,
      QuantizedWeights w,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max) {
    DynamicQuantization.quantizeRows(m, w.k(), a, aOffset, lda, workspace);
    multiply(workspace, w, c, cOffset, ldc, min, max);
  }

  /** Rejects operands that do not fit together, before any kernel touches them. */
  static void check(QuantizedRows a, QuantizedWeights w, float min, float max) {
    if (a.k() != w.k()) {
      throw new IllegalArgumentException(
          "activations have k=" + a.k() + " but the weights have k=" + w.k());
    }
    if (!(min <= max)) {
      throw new IllegalArgumentException("output min " + min + " exceeds max " + max);
    }
  }
}
