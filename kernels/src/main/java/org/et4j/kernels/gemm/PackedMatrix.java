package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A constant right operand {@code B} (k x n) with its bias, packed once by {@link Sgemm#packB} for
 * {@link Sgemm#multiplyPacked} and {@link Sgemm#multiplyIndirect}: XNNPACK's packed weights
 * ({@code xnn_pack_f32_gemm_goi_w} / {@code _gio_w}). Columns are grouped into {@code NR}-wide
 * panels, each laid out {@code [bias NR][B(0, :) NR][B(1, :) NR]...[B(k-1, :) NR]}, columns past
 * {@code n} zero, so that a micro-kernel starts its accumulators from the bias row, streams one
 * contiguous panel, and finishes with only a clamp and a store.
 *
 * <p>Immutable once built and safe to share between threads; it holds a private copy of the
 * weights ({@code ceil(n / NR) * NR * (k + 1)} floats on the heap), so the source memory may be
 * released after packing. It records the implementation and panel width that packed it: each
 * implementation accepts only its own packing.
 */
public final class PackedMatrix {
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  final float[] data;
  final int k;
  final int n;
  final int nr;
  /** {@code (k + 1) * nr}: the distance between two panels. */
  final int panelStride;

  private final Class<?> packer;
  private final String packerName;

  private PackedMatrix(float[] data, int k, int n, int nr, Class<?> packer, String packerName) {
    this.data = data;
    this.k = k;
    this.n = n;
    this.nr = nr;
    this.panelStride = (k + 1) * nr;
    this.packer = packer;
    this.packerName = packerName;
  }

  /** The inner dimension: rows of {@code B}, columns of {@code A}. */
  public int k() {
    return k;
  }

  /** Columns of {@code B} and of the product. */
  public int n() {
    return n;
  }

  @Override
  public String toString() {
    return "PackedMatrix[k=" + k + ", n=" + n + ", packed by " + packerName + ", NR=" + nr + "]";
  }

  /** Throws unless {@code impl} with panel width {@code expectedNr} packed this matrix. */
  void checkPackedBy(Sgemm impl, int expectedNr) {
    if (packer != impl.getClass() || nr != expectedNr) {
      throw new IllegalArgumentException(
          this + " cannot be multiplied by " + impl.name() + ": pack it with that implementation");
    }
  }

  /**
   * Packs {@code B} into {@code nr}-wide panels; the layout shared by every implementation, which
   * differ only in {@code nr}. Packing happens once per weight, so it is plain scalar code.
   */
  static PackedMatrix pack(
      Sgemm impl, int nr, int k, int n, MemorySegment w, long wOffset, long ldw, boolean nByK,
      MemorySegment bias, long biasOffset) {
    if (k < 0 || n < 0) {
      throw new IllegalArgumentException("negative packB size k=" + k + " n=" + n);
    }
    int rows = nByK ? n : k;
    int cols = nByK ? k : n;
    if (rows > 0 && cols > 0) {
      checkMatrix("weights", w, wOffset, ldw, rows, cols);
    }
    if (bias != null && n > 0) {
      checkMatrix("bias", bias, biasOffset, n, 1, n);
    }
    int panels = (n + nr - 1) / nr;
    long size = (long) panels * nr * (k + 1L);
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "packed weights of k=" + k + " x n=" + n + " exceed the 2^31-float limit of one array");
    }
    float[] data = new float[(int) size];
    int stride = (k + 1) * nr;
    for (int j = 0; j < n; j++) {
      int at = j / nr * stride + j % nr;
      if (bias != null) {
        data[at] = bias.getAtIndex(FLOAT, biasOffset + j);
      }
      if (nByK) {
        // Column j of B is row j of w: contiguous reads, NR-strided writes.
        long src = wOffset + j * ldw;
        for (int p = 0; p < k; p++) {
          data[at + (p + 1) * nr] = w.getAtIndex(FLOAT, src + p);
        }
      } else {
        for (int p = 0; p < k; p++) {
          data[at + (p + 1) * nr] = w.getAtIndex(FLOAT, wOffset + p * ldw + j);
        }
      }
    }
    return new PackedMatrix(data, k, n, nr, impl.getClass(), impl.name());
  }

  /**
   * Checks that a {@code rows x cols} row-major matrix with leading dimension {@code ld} starting
   * at float {@code offset} lies inside {@code s}, so that no bounds exception escapes a kernel.
   */
  static void checkMatrix(
      String what, MemorySegment s, long offset, long ld, long rows, long cols) {
    if (s == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (offset < 0 || rows > 1 && ld < cols) {
      throw new IllegalArgumentException(
          what + ": offset " + offset + " or leading dimension " + ld + " < " + cols + " invalid");
    }
    long last;
    try {
      last = Math.addExact(offset, Math.addExact(Math.multiplyExact(rows - 1, ld), cols));
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + ": extent overflows a long");
    }
    if (last > s.byteSize() / Float.BYTES) {
      throw new IllegalArgumentException(
          what + ": " + rows + " x " + cols + " floats with leading dimension " + ld + " at offset "
              + offset + " need " + last + " floats, the segment holds " + s.byteSize() / 4);
    }
  }

  /** The checks {@link Sgemm#multiplyPacked} shares between implementations. */
  static void checkMultiply(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c, long cOffset,
      long ldc, float min, float max) {
    if (m < 0) {
      throw new IllegalArgumentException("negative row count m=" + m);
    }
    checkClamp(min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    if (b.k > 0) {
      checkMatrix("A", a, aOffset, lda, m, b.k);
    }
    checkMatrix("C", c, cOffset, ldc, m, b.n);
  }

  static void checkClamp(float min, float max) {
    if (!(min <= max)) {
      throw new IllegalArgumentException(
          "output clamp needs min <= max, got [" + min + ", " + max + "]");
    }
  }

  /** The checks {@link Sgemm#multiplyIndirect} shares between implementations. */
  static void checkIndirect(
      int m, int taps, int channels, int[] indirection, int indirectionOffset, MemorySegment a,
      long aOffset, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min,
      float max) {
    if (m < 0 || taps < 1 || channels < 1) {
      throw new IllegalArgumentException(
          "indirect GEMM needs m >= 0, taps >= 1, channels >= 1: m=" + m + " taps=" + taps
              + " channels=" + channels);
    }
    if ((long) taps * channels != b.k) {
      throw new IllegalArgumentException(
          "taps * channels = " + taps + " * " + channels + " but the packed weights have k=" + b.k);
    }
    checkClamp(min, max);
    if (indirectionOffset < 0
        || (long) indirectionOffset + (long) m * taps > indirection.length) {
      throw new IllegalArgumentException(
          "indirection table of " + indirection.length + " entries is too short for " + m
              + " rows x " + taps + " taps at " + indirectionOffset);
    }
    if (a == null || aOffset < 0) {
      throw new IllegalArgumentException("input is null or its offset negative");
    }
    if (m == 0 || b.n == 0) {
      return;
    }
    checkMatrix("C", c, cOffset, ldc, m, b.n);
    // Every row the table names must lie inside the input: an O(m * taps) pass beside the
    // O(m * taps * channels * n) product, so that a bad table is an IllegalArgumentException.
    long limit = a.byteSize() / Float.BYTES - aOffset - channels;
    int end = indirectionOffset + m * taps;
    int maxEntry = -1;
    for (int i = indirectionOffset; i < end; i++) {
      maxEntry = Math.max(maxEntry, indirection[i]);
    }
    if (maxEntry > limit) {
      throw new IllegalArgumentException(
          "indirection entry " + maxEntry + " + " + channels + " channels at offset " + aOffset
              + " lies past the input's " + a.byteSize() / Float.BYTES + " floats");
    }
  }
}
