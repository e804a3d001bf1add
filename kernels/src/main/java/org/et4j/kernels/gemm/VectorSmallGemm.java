package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorSgemm#multiplyPacked} for a shallow K (a pointwise convolution's 16-64 input
 * channels). With such a K the 8 x 2-vector tile's k loop is short, so parking the tile in an
 * array and storing it in a second method (the general kernels' epilogue) is a large share of the
 * time; these kernels clamp and store their accumulators themselves, the stores written out per
 * row because a vector must not cross a call. A panel holding at most one vector of columns
 * (n = 16 at 512-bit, where the 2-vector panel is half zeros) runs a 16 x 1-vector tile that reads
 * only the panel's first vector, so no FMA is spent on the zero columns. Rows past a tile's last
 * alias it (as XNNPACK's short tiles alias row pointers): computed, never stored.
 */
final class VectorSmallGemm {
  private static final VectorSpecies<Float> F = VectorSgemm.F;
  private static final int L = F.length();
  private static final long LB = (long) L * Float.BYTES;
  private static final int NR = VectorSgemm.NR;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** The deepest K taken here: beyond it the epilogue is a small share of a tile's work. */
  static final int MAX_K = 32;

  /** The fewest rows worth these kernels (see the call site in VectorSgemm). */
  static final int MIN_M = 64;

  /** Rows copied per block: 256 rows of up to 64 floats (64 KiB) stay in L2 beside B. */
  private static final int BLOCK = 256;

  private static final ThreadLocal<float[]> ROWS =
      ThreadLocal.withInitial(() -> new float[BLOCK * MAX_K]);

  private VectorSmallGemm() {}

  /** As {@link Sgemm#multiplyPacked}, arguments already checked, {@code 1 <= k <= MAX_K}. */
  static void multiplyPacked(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c,
      long cOffset, long ldc, float min, float max) {
    int k = b.k;
    int n = b.n;
    float[] pa = ROWS.get();
    for (int ic = 0; ic < m; ic += BLOCK) {
      int mc = Math.min(BLOCK, m - ic);
      for (int r = 0; r < mc; r++) {
        copyRow(a, (aOffset + (ic + r) * lda) * Float.BYTES, pa, r * k, k);
      }
      long cBlock = cOffset + ic * ldc;
      for (int jr = 0, bo = 0; jr < n; jr += NR, bo += b.panelStride) {
        int nr = Math.min(NR, n - jr);
        if (nr <= L) {
          for (int ir = 0; ir < mc; ir += 16) {
            kernel16x1(pa, ir * k, k, k, Math.min(16, mc - ir), b.data, bo, c,
                cBlock + ir * ldc + jr, ldc, nr, min, max);
          }
        } else {
          for (int ir = 0; ir < mc; ir += 8) {
            kernel8x2(pa, ir * k, k, k, Math.min(8, mc - ir), b.data, bo, c,
                cBlock + ir * ldc + jr, ldc, nr, min, max);
          }
        }
      }
    }
  }

  /** One row of A into the buffer: whole vectors, then a scalar tail (k is often 16-32). */
  private static void copyRow(MemorySegment a, long byteOffset, float[] pa, int dst, int k) {
    int q = 0;
    for (; q + L <= k; q += L) {
      FloatVector.fromMemorySegment(F, a, byteOffset + (long) q * Float.BYTES, LE)
          .intoArray(pa, dst + q);
    }
    for (; q < k; q++) {
      pa[dst + q] = a.get(FLOAT, byteOffset + (long) q * Float.BYTES);
    }
  }

  /**
   * A 16 x 1-vector tile from the bias at {@code pb[bo]}, B's row {@code p} at {@code pb[bo + NR
   * + p * NR]} (only its first vector is read: the panel holds {@code nr <= L} columns), A's row
   * {@code r} at {@code pa[ao + r * lda]}; clamped and stored to the first {@code mr} rows of C.
   * 16 accumulators, one B vector and a broadcast: 18 of AVX-512's 32 registers.
   */
  private static void kernel16x1(
      float[] pa, int ao, int lda, int k, int mr, float[] pb, int bo, MemorySegment c, long cIdx,
      long ldc, int nr, float min, float max) {
    FloatVector c0 = FloatVector.fromArray(F, pb, bo);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    FloatVector c12 = c0;
    FloatVector c13 = c0;
    FloatVector c14 = c0;
    FloatVector c15 = c0;
    int last = mr - 1;
    int a0 = ao;
    int a1 = ao + Math.min(1, last) * lda;
    int a2 = ao + Math.min(2, last) * lda;
    int a3 = ao + Math.min(3, last) * lda;
    int a4 = ao + Math.min(4, last) * lda;
    int a5 = ao + Math.min(5, last) * lda;
    int a6 = ao + Math.min(6, last) * lda;
    int a7 = ao + Math.min(7, last) * lda;
    int a8 = ao + Math.min(8, last) * lda;
    int a9 = ao + Math.min(9, last) * lda;
    int a10 = ao + Math.min(10, last) * lda;
    int a11 = ao + Math.min(11, last) * lda;
    int a12 = ao + Math.min(12, last) * lda;
    int a13 = ao + Math.min(13, last) * lda;
    int a14 = ao + Math.min(14, last) * lda;
    int a15 = ao + Math.min(15, last) * lda;
    for (int p = 0; p < k; p++) {
      FloatVector b0 = FloatVector.fromArray(F, pb, bo + NR + p * NR);
      c0 = FloatVector.broadcast(F, pa[a0 + p]).fma(b0, c0);
      c1 = FloatVector.broadcast(F, pa[a1 + p]).fma(b0, c1);
      c2 = FloatVector.broadcast(F, pa[a2 + p]).fma(b0, c2);
      c3 = FloatVector.broadcast(F, pa[a3 + p]).fma(b0, c3);
      c4 = FloatVector.broadcast(F, pa[a4 + p]).fma(b0, c4);
      c5 = FloatVector.broadcast(F, pa[a5 + p]).fma(b0, c5);
      c6 = FloatVector.broadcast(F, pa[a6 + p]).fma(b0, c6);
      c7 = FloatVector.broadcast(F, pa[a7 + p]).fma(b0, c7);
      c8 = FloatVector.broadcast(F, pa[a8 + p]).fma(b0, c8);
      c9 = FloatVector.broadcast(F, pa[a9 + p]).fma(b0, c9);
      c10 = FloatVector.broadcast(F, pa[a10 + p]).fma(b0, c10);
      c11 = FloatVector.broadcast(F, pa[a11 + p]).fma(b0, c11);
      c12 = FloatVector.broadcast(F, pa[a12 + p]).fma(b0, c12);
      c13 = FloatVector.broadcast(F, pa[a13 + p]).fma(b0, c13);
      c14 = FloatVector.broadcast(F, pa[a14 + p]).fma(b0, c14);
      c15 = FloatVector.broadcast(F, pa[a15 + p]).fma(b0, c15);
    }
    FloatVector lo = FloatVector.broadcast(F, min);
    FloatVector hi = FloatVector.broadcast(F, max);
    boolean full = nr == L;
    VectorMask<Float> rest = F.indexInRange(0, nr);
    long cb = cIdx * Float.BYTES;
    long rowBytes = ldc * Float.BYTES;
    if (0 < mr) {
      FloatVector y = c0.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 0 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 0 * rowBytes, LE, rest);
      }
    }
    if (1 < mr) {
      FloatVector y = c1.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 1 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 1 * rowBytes, LE, rest);
      }
    }
    if (2 < mr) {
      FloatVector y = c2.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 2 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 2 * rowBytes, LE, rest);
      }
    }
    if (3 < mr) {
      FloatVector y = c3.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 3 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 3 * rowBytes, LE, rest);
      }
    }
    if (4 < mr) {
      FloatVector y = c4.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 4 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 4 * rowBytes, LE, rest);
      }
    }
    if (5 < mr) {
      FloatVector y = c5.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 5 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 5 * rowBytes, LE, rest);
      }
    }
    if (6 < mr) {
      FloatVector y = c6.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 6 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 6 * rowBytes, LE, rest);
      }
    }
    if (7 < mr) {
      FloatVector y = c7.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 7 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 7 * rowBytes, LE, rest);
      }
    }
    if (8 < mr) {
      FloatVector y = c8.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 8 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 8 * rowBytes, LE, rest);
      }
    }
    if (9 < mr) {
      FloatVector y = c9.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 9 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 9 * rowBytes, LE, rest);
      }
    }
    if (10 < mr) {
      FloatVector y = c10.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 10 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 10 * rowBytes, LE, rest);
      }
    }
    if (11 < mr) {
      FloatVector y = c11.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 11 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 11 * rowBytes, LE, rest);
      }
    }
    if (12 < mr) {
      FloatVector y = c12.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 12 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 12 * rowBytes, LE, rest);
      }
    }
    if (13 < mr) {
      FloatVector y = c13.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 13 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 13 * rowBytes, LE, rest);
      }
    }
    if (14 < mr) {
      FloatVector y = c14.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 14 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 14 * rowBytes, LE, rest);
      }
    }
    if (15 < mr) {
      FloatVector y = c15.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, cb + 15 * rowBytes, LE);
      } else {
        y.intoMemorySegment(c, cb + 15 * rowBytes, LE, rest);
      }
    }
  }

  /**
   * The 8 x 2-vector tile of {@link VectorSgemm#packedKernel8} over the whole (shallow) k from
   * the bias, clamped and stored to the first {@code mr} rows and {@code L < nr <= NR} columns
   * (the second vector masked when {@code nr < NR}).
   */
  private static void kernel8x2(
      float[] pa, int ao, int lda, int k, int mr, float[] pb, int bo, MemorySegment c, long cIdx,
      long ldc, int nr, float min, float max) {
    FloatVector c00 = FloatVector.fromArray(F, pb, bo);
    FloatVector c01 = FloatVector.fromArray(F, pb, bo + L);
    FloatVector c10 = c00, c11 = c01;
    FloatVector c20 = c00, c21 = c01;
    FloatVector c30 = c00, c31 = c01;
    FloatVector c40 = c00, c41 = c01;
    FloatVector c50 = c00, c51 = c01;
    FloatVector c60 = c00, c61 = c01;
    FloatVector c70 = c00, c71 = c01;
    int last = mr - 1;
    int a0 = ao;
    int a1 = ao + Math.min(1, last) * lda;
    int a2 = ao + Math.min(2, last) * lda;
    int a3 = ao + Math.min(3, last) * lda;
    int a4 = ao + Math.min(4, last) * lda;
    int a5 = ao + Math.min(5, last) * lda;
    int a6 = ao + Math.min(6, last) * lda;
    int a7 = ao + Math.min(7, last) * lda;
    for (int p = 0; p < k; p++) {
      int bp = bo + NR + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, pb, bp);
      FloatVector b1 = FloatVector.fromArray(F, pb, bp + L);
      FloatVector x0 = FloatVector.broadcast(F, pa[a0 + p]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(F, pa[a1 + p]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(F, pa[a2 + p]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(F, pa[a3 + p]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(F, pa[a4 + p]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(F, pa[a5 + p]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      FloatVector x6 = FloatVector.broadcast(F, pa[a6 + p]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      FloatVector x7 = FloatVector.broadcast(F, pa[a7 + p]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
    }
    FloatVector lo = FloatVector.broadcast(F, min);
    FloatVector hi = FloatVector.broadcast(F, max);
    boolean full = nr == NR;
    // Lanes 0 .. nr - L - 1 of the second vector.
    VectorMask<Float> rest = F.indexInRange(L, nr);
    long cb = cIdx * Float.BYTES;
    long rowBytes = ldc * Float.BYTES;
    if (0 < mr) {
      long at = cb + 0 * rowBytes;
      c00.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c01.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (1 < mr) {
      long at = cb + 1 * rowBytes;
      c10.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c11.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (2 < mr) {
      long at = cb + 2 * rowBytes;
      c20.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c21.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (3 < mr) {
      long at = cb + 3 * rowBytes;
      c30.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c31.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (4 < mr) {
      long at = cb + 4 * rowBytes;
      c40.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c41.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (5 < mr) {
      long at = cb + 5 * rowBytes;
      c50.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c51.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (6 < mr) {
      long at = cb + 6 * rowBytes;
      c60.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c61.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
    if (7 < mr) {
      long at = cb + 7 * rowBytes;
      c70.min(hi).max(lo).intoMemorySegment(c, at, LE);
      FloatVector y = c71.min(hi).max(lo);
      if (full) {
        y.intoMemorySegment(c, at + LB, LE);
      } else {
        y.intoMemorySegment(c, at + LB, LE, rest);
      }
    }
  }
}
