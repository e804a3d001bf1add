package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A convolution's GEMM whose left operand is read straight from a zero-padded image held in a
 * heap array, with neither an indirection table nor a gathered row buffer: row {@code i} of
 * {@code A} is {@code rows} runs of {@code rowLength} contiguous floats,
 *
 * <pre>
 *   A(i, r * rowLength + q) = img[base + i * step + r * rowStride + q]
 * </pre>
 *
 * which is an output pixel's receptive field when the image is padded (so no tap is ever outside
 * it) and the kernel is not dilated along the width (so a kernel row's {@code KW} taps of
 * {@code C} channels are {@code KW * C} contiguous floats): {@code step = strideW * C},
 * {@code rowStride = dilationH * paddedW * C}, {@code rowLength = KW * C}.
 *
 * <p>This is the role of XNNPACK's "conv-hwc" kernels for a network's first layer (3 input
 * channels, K = 27): through {@link Sgemm#multiplyIndirect} each 3-float tap costs a scalar copy
 * from the input segment, which outweighs the 27-step product it feeds, whereas here the
 * micro-kernel broadcasts its A values directly from the image. Copying the image into a padded
 * array costs {@code IH * IW * C} floats once per run, less than the {@code OH * OW * KH * KW * C}
 * a gather moves.
 *
 * <p>{@code C} and the clamp are as in {@link Sgemm#multiplyPacked}. The implementation is the one
 * that packed {@code b}: the Vector API kernel for {@link Sgemm#get()}'s vector implementation,
 * the scalar oracle (sums in float from the bias in ascending {@code p}) for {@link
 * Sgemm#scalar()}. Allocates nothing in steady state; calls on different threads are independent.
 */
public final class WindowGemm {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** The scalar oracle's accumulator row, per thread. */
  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

  private WindowGemm() {}

  /**
   * {@code C(i, j) = max(min(sum_p A(i, p) B(p, j) + bias(j), max), min)} for {@code i < m, j <
   * b.n()}, {@code A} as in the class documentation, {@code C(i, j) = c[cOffset + i * ldc + j]}.
   *
   * @throws IllegalArgumentException if {@code gemm} did not pack {@code b}, if {@code rows *
   *     rowLength != b.k()}, if a window lies outside {@code img}, if {@code min > max} or either
   *     is NaN, or if {@code C} lies outside its segment
   */
  public static void multiply(
      Sgemm gemm, int m, float[] img, int base, int step, int rows, int rowStride, int rowLength,
      PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    boolean scalar = gemm instanceof ScalarSgemm;
    // The vector class is named only on the vector branch, so a JVM without the module never
    // links it.
    b.checkPackedBy(gemm, scalar ? ScalarSgemm.NR : VectorSgemm.NR);
    check(m, img, base, step, rows, rowStride, rowLength, b, c, cOffset, ldc, min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    if (scalar) {
      multiplyScalar(m, img, base, step, rows, rowStride, rowLength, b, c, cOffset, ldc, min, max);
    } else {
      VectorWindowGemm.multiply(
          m, img, base, step, rows, rowStride, rowLength, b, c, cOffset, ldc, min, max);
    }
  }

  private static void check(
      int m, float[] img, int base, int step, int rows, int rowStride, int rowLength,
      PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    if (m < 0 || rows < 1 || rowLength < 1 || step < 0 || rowStride < 0 || base < 0) {
      throw new IllegalArgumentException(
          "window GEMM needs m >= 0, rows >= 1, rowLength >= 1 and non-negative offsets: m=" + m
              + " rows=" + rows + " rowLength=" + rowLength + " step=" + step + " rowStride="
              + rowStride + " base=" + base);
    }
    if ((long) rows * rowLength != b.k) {
      throw new IllegalArgumentException(
          "rows * rowLength = " + rows + " * " + rowLength + " but the packed weights have k="
              + b.k);
    }
    PackedMatrix.checkClamp(min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    // The last element any window reads; every other one lies below it.
    long last = base + (long) (m - 1) * step + (long) (rows - 1) * rowStride + rowLength;
    if (img == null || last > img.length) {
      throw new IllegalArgumentException(
          "windows of " + m + " rows reach float " + last + " of an image of "
              + (img == null ? "null" : img.length + " floats"));
    }
    PackedMatrix.checkMatrix("C", c, cOffset, ldc, m, b.n);
  }

  /** The oracle: one output row at a time, each A value scaled into every column. */
  private static void multiplyScalar(
      int m, float[] img, int base, int step, int rows, int rowStride, int rowLength,
      PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    int n = b.n;
    int nr = b.nr;
    float[] data = b.data;
    float[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new float[n];
    }
    float[] acc = holder[0];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        acc[j] = data[j / nr * b.panelStride + j % nr];
      }
      for (int r = 0; r < rows; r++) {
        int at = base + i * step + r * rowStride;
        for (int q = 0; q < rowLength; q++) {
          float av = img[at + q];
          int p = r * rowLength + q;
          for (int j = 0; j < n; j++) {
            acc[j] += av * data[j / nr * b.panelStride + (p + 1) * nr + j % nr];
          }
        }
      }
      long cRow = cOffset + i * ldc;
      for (int j = 0; j < n; j++) {
        c.setAtIndex(FLOAT, cRow + j, Math.max(Math.min(acc[j], max), min));
      }
    }
  }
}
