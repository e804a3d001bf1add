package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link WindowGemm}: {@link VectorSgemm}'s 8 x 2-vector tile, with its
 * eight A rows broadcast from the image windows instead of a packed or gathered row buffer. Loaded
 * only through {@link WindowGemm} for a matrix that {@link VectorSgemm} packed.
 */
final class VectorWindowGemm {
  private static final VectorSpecies<Float> F = VectorSgemm.F;
  private static final int L = F.length();
  private static final int MR = VectorSgemm.MR;
  private static final int NR = VectorSgemm.NR;

  /** Where each tile is parked between the kernel and the clamped store, per thread. */
  private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

  private VectorWindowGemm() {}

  /**
   * Tiles of 8 rows, each against every panel. A tile's windows are small (8 x {@code rows} runs)
   * and B is a convolution's few-thousand-float filter, so both stay in L1 and no k slicing or
   * row blocking is needed: this is meant for a small K, where the windows beat a gather.
   */
  static void multiply(
      int m, float[] img, int base, int step, int rows, int rowStride, int rowLength,
      PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    float[] tile = TILE.get();
    int n = b.n;
    int stride = b.panelStride;
    float[] pb = b.data;
    for (int i = 0; i < m; i += MR) {
      int mr = Math.min(MR, m - i);
      int ao = base + i * step;
      for (int jr = 0, bo = 0; jr < n; jr += NR, bo += stride) {
        kernel8(img, ao, step, mr, rows, rowStride, rowLength, pb, bo, tile);
        VectorSgemm.storeClamped(
            tile, 0, c, cOffset + i * ldc + jr, ldc, mr, Math.min(NR, n - jr), min, max);
      }
    }
  }

  /**
   * One 8 x NR tile from the bias row at {@code pb[bo]}: for each window row {@code r} and
   * element {@code q}, B's row {@code r * rowLength + q} times each tile row's image value. Rows
   * past {@code mr} alias the last valid one (as XNNPACK's short tiles alias row pointers), so
   * the loop has no branch and never reads past the windows checked by {@link WindowGemm}; their
   * results are computed and not stored.
   */
  private static void kernel8(
      float[] img, int ao, int step, int mr, int rows, int rowStride, int rowLength, float[] pb,
      int bo, float[] tile) {
    FloatVector c00 = FloatVector.fromArray(F, pb, bo);
    FloatVector c01 = FloatVector.fromArray(F, pb, bo + L);
    FloatVector c10 = c00, c11 = c01, c20 = c00, c21 = c01, c30 = c00, c31 = c01;
    FloatVector c40 = c00, c41 = c01, c50 = c00, c51 = c01, c60 = c00, c61 = c01;
    FloatVector c70 = c00, c71 = c01;
    int last = mr - 1;
    int a0 = ao;
    int a1 = ao + Math.min(1, last) * step;
    int a2 = ao + Math.min(2, last) * step;
    int a3 = ao + Math.min(3, last) * step;
    int a4 = ao + Math.min(4, last) * step;
    int a5 = ao + Math.min(5, last) * step;
    int a6 = ao + Math.min(6, last) * step;
    int a7 = ao + Math.min(7, last) * step;
    int bp = bo + NR;
    for (int r = 0, o = 0; r < rows; r++, o += rowStride) {
      for (int q = o, end = o + rowLength; q < end; q++, bp += NR) {
        FloatVector b0 = FloatVector.fromArray(F, pb, bp);
        FloatVector b1 = FloatVector.fromArray(F, pb, bp + L);
        FloatVector x0 = FloatVector.broadcast(F, img[a0 + q]);
        c00 = x0.fma(b0, c00);
        c01 = x0.fma(b1, c01);
        FloatVector x1 = FloatVector.broadcast(F, img[a1 + q]);
        c10 = x1.fma(b0, c10);
        c11 = x1.fma(b1, c11);
        FloatVector x2 = FloatVector.broadcast(F, img[a2 + q]);
        c20 = x2.fma(b0, c20);
        c21 = x2.fma(b1, c21);
        FloatVector x3 = FloatVector.broadcast(F, img[a3 + q]);
        c30 = x3.fma(b0, c30);
        c31 = x3.fma(b1, c31);
        FloatVector x4 = FloatVector.broadcast(F, img[a4 + q]);
        c40 = x4.fma(b0, c40);
        c41 = x4.fma(b1, c41);
        FloatVector x5 = FloatVector.broadcast(F, img[a5 + q]);
        c50 = x5.fma(b0, c50);
        c51 = x5.fma(b1, c51);
        FloatVector x6 = FloatVector.broadcast(F, img[a6 + q]);
        c60 = x6.fma(b0, c60);
        c61 = x6.fma(b1, c61);
        FloatVector x7 = FloatVector.broadcast(F, img[a7 + q]);
        c70 = x7.fma(b0, c70);
        c71 = x7.fma(b1, c71);
      }
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    c60.intoArray(tile, 6 * NR);
    c61.intoArray(tile, 6 * NR + L);
    c70.intoArray(tile, 7 * NR);
    c71.intoArray(tile, 7 * NR + L);
  }
}
