package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;

/**
 * Single-precision general matrix multiply over tensor memory: the one matrix engine behind
 * {@code mm}, {@code bmm}, {@code addmm}, {@code linear} and convolution (via im2col). ExecuTorch's
 * portable library has no such layer (each op loops on its own); its optimized library calls BLAS
 * {@code sgemm}, whose contract this follows, with two changes that let ops fuse their epilogue
 * instead of making a second pass:
 *
 * <pre>
 *   C(i, j) = alpha * sum_p op(A)(i, p) * op(B)(p, j) + beta * D(i, j)
 * </pre>
 *
 * where {@code D}, the addend, is any strided view: {@code C} itself (BLAS), a bias row broadcast
 * over rows (column stride 1, row stride 0: {@code linear}), a per-row value (row stride 1, column
 * stride 0: a convolution's per-channel bias) or another matrix ({@code addmm}).
 *
 * <p>Sizes, scales, transposes, leading dimensions and the addend's strides form a {@link
 * GemmShape}, made once per shape; each call passes the operands' memory and offsets. All offsets,
 * leading dimensions and strides count {@code float} elements, not bytes. Data are
 * little-endian floats at any 4-byte alignment. {@code op(A)} is {@code m x k}: without transpose
 * element {@code (i, p)} is at {@code a[aOffset + i * lda + p]}, transposed at {@code a[aOffset + p
 * * lda + i]}; {@code op(B)} is {@code k x n} likewise. When {@code beta == 0} the addend is not
 * read (it may be null), and when {@code alpha == 0} or {@code k == 0} neither are {@code A} and
 * {@code B}, as in BLAS. {@code C} must not overlap {@code A} or {@code B}; it may be the addend.
 *
 * <p>For constant weights (XNNPACK's FullyConnected and Convolution, portable {@code linear}),
 * {@link #packB} packs B and its bias once into a {@link PackedMatrix}; {@link #multiplyPacked}
 * (GEMM) and {@link #multiplyIndirect} (IGEMM, a convolution's left operand read through an
 * indirection table) then multiply without packing B and fuse the bias and an output clamp.
 *
 * <p>Implementations keep their packing buffers per thread and allocate nothing in steady state.
 * Calls on different threads are independent. One call shares its outputs (row tiles, or column
 * panels when {@code A} is short) out over {@link org.et4j.kernels.util.Parallel}'s pool and never
 * splits the sum over {@code k}, so the result is the same bits whatever the thread count.
 */
public interface Sgemm {

  /**
   * The implementation chosen for this JVM: the Vector API one when {@code jdk.incubator.vector} is
   * present and {@code et4j.vector} is not {@code off}, the scalar one otherwise (see {@link
   * org.et4j.kernels.util.VectorSupport}).
   */
  static Sgemm get() {
    return SgemmSelection.CHOSEN;
  }

  /** The scalar implementation, the oracle that the vector one is tested against. */
  static Sgemm scalar() {
    return ScalarSgemm.INSTANCE;
  }

  /** A short name for reports, e.g. {@code vector(512-bit, 8x32)} or {@code scalar}. */
  String name();

  /**
   * {@code C = alpha * op(A) op(B) + beta * D}; see the class documentation. The geometry ({@link
   * GemmShape}) is made once per shape by the caller; a call passes only where the four operands
   * start (in floats), and allocates nothing in steady state.
   *
   * @throws IllegalArgumentException if {@code shape} is null
   */
  void multiply(
      GemmShape shape, MemorySegment a, long aOffset, MemorySegment b, long bOffset,
      MemorySegment addend, long addendOffset, MemorySegment c, long cOffset);

  /**
   * Packs a constant right operand once, bias included: XNNPACK's weight packing for its
   * FullyConnected and Convolution operators. {@code B} is {@code k x n}, read from {@code w}: when
   * {@code nByK} is true {@code w} is {@code [n, k]} row-major (a {@code linear} weight, XNNPACK's
   * FullyConnected without {@code TRANSPOSE_WEIGHTS}, or one group of an OHWI convolution filter),
   * {@code B(p, j) = w[wOffset + j * ldw + p]}; otherwise {@code w} is {@code [k, n]},
   * {@code B(p, j) = w[wOffset + p * ldw + j]}. {@code bias} holds {@code n} floats at
   * {@code biasOffset}, or is null for zeros. Offsets count floats. The result may only be used
   * with this implementation.
   *
   * @throws IllegalArgumentException on negative sizes or operands outside their segments
   */
  PackedMatrix packB(
      int k, int n, MemorySegment w, long wOffset, long ldw, boolean nByK, MemorySegment bias,
      long biasOffset);

  /**
   * XNNPACK's f32 GEMM with a fused clamp:
   * {@code C(i, j) = max(min(sum_p A(i, p) B(p, j) + bias(j), max), min)} for {@code i < m, j <
   * b.n()}, with {@code A(i, p) = a[aOffset + i * lda + p]} and {@code C(i, j) = c[cOffset + i *
   * ldc + j]}. {@code min} and {@code max} may be infinite; a NaN sum stays NaN. Sums run in
   * float from the bias in ascending {@code p}. {@code C} must not overlap {@code A}. Allocates
   * nothing in steady state (per-thread workspaces).
   *
   * @throws IllegalArgumentException if another implementation packed {@code b}, if {@code min >
   *     max} or either is NaN, or if an operand lies outside its segment
   */
  void multiplyPacked(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c, long cOffset,
      long ldc, float min, float max);

  /**
   * XNNPACK's IGEMM, the convolution micro-kernel: a GEMM whose left operand is read through an
   * indirection table instead of being materialised (no im2col). Row {@code i} of {@code A} is
   * {@code taps} segments of {@code channels} floats; segment {@code t} starts at
   * {@code a[aOffset + e]} with {@code e = indirection[indirectionOffset + i * taps + t]}, or is
   * all zeros when {@code e < 0} (XNNPACK's shared zero row for padding taps). So {@code A(i, t *
   * channels + q)} is element {@code q} of that segment, {@code b.k()} must equal {@code taps *
   * channels}, and {@code C} and the clamp are as in {@link #multiplyPacked}. Allocates nothing in
   * steady state.
   *
   * @throws IllegalArgumentException as {@link #multiplyPacked}, or if the table is too short or
   *     names a row outside {@code a}
   */
  void multiplyIndirect(
      int m, int taps, int channels, int[] indirection, int indirectionOffset, MemorySegment a,
      long aOffset, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max);
}
