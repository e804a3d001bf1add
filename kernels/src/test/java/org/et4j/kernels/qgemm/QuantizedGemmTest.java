package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each weight type: the vector kernel gives the scalar twin's bits (their integer sums are exact
 * and their epilogues share one float order), whatever the panel width the weights were packed
 * at; both agree with a dequantize-and-sum reference in double within a bound derived from the
 * epilogue's float roundings. Shapes hit every row tile and column tail, odd K for 4-bit padding,
 * both filter layouts, bias or none, and clamps.
 */
class QuantizedGemmTest {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int[] MS = {1, 2, 3, 4, 5, 8, 9, 17};
  private static final int[] NS = {1, 3, 7, 8, 9, 15, 16, 17, 33};

  private final QuantizedGemm scalar = QuantizedGemm.scalar();
  private final QuantizedGemm vector = new VectorQuantizedGemm();
  private final QuantizedGemm chosen = QuantizedGemm.get();

  @Test
  void qc8w() {
    int[] ks = {1, 5, 32, 33, 64};
    sweep(QuantizedWeights.Type.QC8W, ks, 0);
  }

  @Test
  void qc4w() {
    int[] ks = {1, 7, 32, 33, 15};
    sweep(QuantizedWeights.Type.QC4W, ks, 0);
  }

  @Test
  void qb4w() {
    sweep(QuantizedWeights.Type.QB4W, new int[] {32, 64, 96}, 32);
    sweep(QuantizedWeights.Type.QB4W, new int[] {16, 48}, 16);
  }

  @Test
  void saturatedSumsStayExactAcrossFloatChunks() {
    // q = -128 everywhere (a constant negative row) times w = -128: each product is 2^14, so the
    // vector kernel's float chunks reach exactly 2^24 and the total needs int32.
    try (Arena arena = Arena.ofConfined()) {
      for (int k : new int[] {1024, 1025, 2100}) {
        Case c = new Case(arena, QuantizedWeights.Type.QC8W, 5, 9, k, 0, true, true, 11);
        for (int j = 0; j < c.n * k; j++) {
          c.w[j] = -128;
        }
        for (int i = 0; i < c.m * k; i++) {
          c.x[i] = -1f;
        }
        c.run(-Float.MAX_VALUE, Float.MAX_VALUE);
      }
      for (int bl : new int[] {1024, 2048}) {
        Case c = new Case(arena, QuantizedWeights.Type.QB4W, 5, 9, 2 * bl, bl, false, true, 12);
        for (int j = 0; j < c.n * c.k; j++) {
          c.w[j] = -8;
        }
        for (int i = 0; i < c.m * c.k; i++) {
          c.x[i] = -1f;
        }
        c.run(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
      }
    }
  }

  @Test
  void multiplyFloatQuantizesThenMultiplies() {
    try (Arena arena = Arena.ofConfined()) {
      Case c = new Case(arena, QuantizedWeights.Type.QC4W, 3, 17, 33, 0, true, true, 5);
      QuantizedWeights w = c.pack(chosen.panelWidth());
      MemorySegment x = arena.allocate(4L * c.m * (c.k + 3), 4);
      for (int i = 0; i < c.m; i++) {
        for (int p = 0; p < c.k; p++) {
          x.setAtIndex(F32, i * (c.k + 3) + 1 + p, c.x[i * c.k + p]);
        }
      }
      QuantizedRows ws = QuantizedRows.allocate(4, c.k);
      MemorySegment fused = arena.allocate(4L * c.m * c.n, 4);
      chosen.multiplyFloat(c.m, x, 1, c.k + 3, ws, w, fused, 0, c.n, -1f, 1f);
      MemorySegment expected = arena.allocate(4L * c.m * c.n, 4);
      scalar.multiply(c.rows(), c.pack(16), expected, 0, c.n, -1f, 1f);
      for (int i = 0; i < c.m * c.n; i++) {
        assertThat(fused.getAtIndex(F32, i)).isEqualTo(expected.getAtIndex(F32, i));
      }
    }
  }

  private void sweep(QuantizedWeights.Type type, int[] ks, int blockSize) {
    try (Arena arena = Arena.ofConfined()) {
      int seed = 0;
      for (int mi = 0; mi < MS.length; mi++) {
        for (int ni = 0; ni < NS.length; ni++) {
          int k = ks[(mi + ni) % ks.length];
          boolean nByK = (mi + ni) % 2 == 0;
          boolean bias = ni % 3 != 1;
          Case c = new Case(arena, type, MS[mi], NS[ni], k, blockSize, nByK, bias, seed++);
          c.randomize();
          if (ni % 4 == 3) {
            c.run(-0.5f, 0.75f);
          } else if (ni % 4 == 1) {
            c.run(0f, Float.POSITIVE_INFINITY);
          } else {
            c.run(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
          }
        }
      }
    }
  }

  /** One GEMM: random operands, their source encodings, and every check on the result. */
  private final class Case {
    final Arena arena;
    final QuantizedWeights.Type type;
    final int m;
    final int n;
    final int k;
    final int blockSize;
    final boolean nByK;
    final boolean hasBias;
    final Random random;
    /** w(p, j) at {@code j * k + p}, as integers. */
    final int[] w;
    final float[] x;
    final float[] channelScales;
    final short[] blockScales;
    final float[] bias;

    Case(
        Arena arena,
        QuantizedWeights.Type type,
        int m,
        int n,
        int k,
        int blockSize,
        boolean nByK,
        boolean hasBias,
        int seed) {
      this.arena = arena;
      this.type = type;
      this.m = m;
      this.n = n;
      this.k = k;
      this.blockSize = blockSize;
      this.nByK = nByK;
      this.hasBias = hasBias;
      this.random = new Random(seed);
      this.w = new int[n * k];
      this.x = new float[m * k];
      this.channelScales = new float[n];
      this.blockScales = new short[blockSize == 0 ? 0 : n * (k / blockSize)];
      this.bias = new float[n];
      for (int j = 0; j < n; j++) {
        channelScales[j] = 0.001f + random.nextFloat() * 0.02f;
        bias[j] = hasBias ? (float) random.nextGaussian() : 0f;
      }
      for (int s = 0; s < blockScales.length; s++) {
        float scale = 0.002f + random.nextFloat() * 0.05f;
        blockScales[s] = (short) (Float.floatToRawIntBits(scale) >>> 16);
      }
    }

    void randomize() {
      int lo = type == QuantizedWeights.Type.QC8W ? -128 : -8;
      int hi = type == QuantizedWeights.Type.QC8W ? 127 : 7;
      for (int j = 0; j < w.length; j++) {
        w[j] = lo + random.nextInt(hi - lo + 1);
      }
      for (int i = 0; i < m; i++) {
        // Rows of every sign mix, so zero points vary over the int8 range.
        double shift = (i % 3 - 1) * 1.5;
        for (int p = 0; p < k; p++) {
          x[i * k + p] = (float) (random.nextGaussian() + shift);
        }
      }
    }

    /** The source filter bytes, in the layout XNNPACK receives them. */
    MemorySegment encode() {
      if (type == QuantizedWeights.Type.QC8W) {
        MemorySegment s = arena.allocate((long) n * k + 3, 1);
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < k; p++) {
            long at = 3 + (nByK ? (long) j * k + p : (long) p * n + j);
            s.set(ValueLayout.JAVA_BYTE, at, (byte) w[j * k + p]);
          }
        }
        return s;
      }
      long rowBytes = (k + 1) / 2;
      long bytes = nByK ? n * rowBytes : ((long) n * k + 1) / 2;
      MemorySegment s = arena.allocate(bytes + 3, 1);
      // ExecuTorch pads an odd row with q = 0, stored as 8.
      for (long b = 0; b < bytes; b++) {
        s.set(ValueLayout.JAVA_BYTE, 3 + b, (byte) 0x88);
      }
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          long byteAt;
          boolean high;
          if (nByK) {
            byteAt = j * rowBytes + p / 2;
            high = (p & 1) == 1;
          } else {
            long nibble = (long) p * n + j;
            byteAt = nibble / 2;
            high = (nibble & 1) == 1;
          }
          int old = s.get(ValueLayout.JAVA_BYTE, 3 + byteAt) & 0xFF;
          int v = w[j * k + p] + 8;
          int b = high ? (old & 0x0F) | (v << 4) : (old & 0xF0) | v;
          s.set(ValueLayout.JAVA_BYTE, 3 + byteAt, (byte) b);
        }
      }
      return s;
    }

    QuantizedWeights pack(int nr) {
      MemorySegment src = encode();
      MemorySegment b = null;
      if (hasBias) {
        b = arena.allocate(4L * (n + 2), 4);
        for (int j = 0; j < n; j++) {
          b.setAtIndex(F32, 2 + j, bias[j]);
        }
      }
      return switch (type) {
        case QC8W, QC4W ->
            QuantizedWeights.packPerChannel(type, n, k, src, 3, nByK, channelScales, b, 2, nr);
        case QB4W ->
            QuantizedWeights.packBlockwise(
                n, k, blockSize, src, 3, nByK, blockScales, b, 2, 128, nr);
      };
    }

    QuantizedRows rows() {
      MemorySegment in = arena.allocate(4L * x.length, 4);
      MemorySegment.copy(x, 0, in, F32, 0, x.length);
      QuantizedRows rows = QuantizedRows.allocate(m + 1, k);
      DynamicQuantization.quantizeRows(m, k, in, 0, k, rows);
      return rows;
    }

    void run(float min, float max) {
      QuantizedRows rows = rows();
      int ldc = n + 2;
      MemorySegment expected = out(ldc);
      scalar.multiply(rows, pack(16), expected, 1, ldc, min, max);
      for (int nr : new int[] {VectorQuantizedGemm.NR, 5}) {
        MemorySegment other = out(ldc);
        scalar.multiply(rows, pack(nr), other, 1, ldc, min, max);
        assertSameBits(expected, other, "scalar at panel width " + nr);
      }
      MemorySegment vec = out(ldc);
      vector.multiply(rows, pack(VectorQuantizedGemm.NR), vec, 1, ldc, min, max);
      assertSameBits(expected, vec, vector.name());
      MemorySegment got = out(ldc);
      chosen.multiply(rows, pack(chosen.panelWidth()), got, 1, ldc, min, max);
      assertSameBits(expected, got, chosen.name());
      assertNearReference(rows, expected, ldc, min, max);
    }

    private MemorySegment out(int ldc) {
      MemorySegment c = arena.allocate(4L * (1 + m * ldc), 4);
      c.fill((byte) 0x7F);
      return c;
    }

    private void assertSameBits(MemorySegment expected, MemorySegment actual, String what) {
      for (int i = 0; i < 1 + m * (n + 2); i++) {
        assertThat(Float.floatToRawIntBits(actual.getAtIndex(F32, i)))
            .as("%s %s m=%d n=%d k=%d nByK=%s element %d: %s vs %s", what, type, m, n, k, nByK, i,
                actual.getAtIndex(F32, i), expected.getAtIndex(F32, i))
            .isEqualTo(Float.floatToRawIntBits(expected.getAtIndex(F32, i)));
      }
    }

    /**
     * Dequantize and sum in double. Each float rounding in the epilogue errs by at most 2^-24 of
     * the magnitude it handles; for qb4w those magnitudes include the offset activations (q + 128)
     * and there is one rounding per 16-value chunk and per block.
     */
    private void assertNearReference(
        QuantizedRows rows, MemorySegment c, int ldc, float min, float max) {
      for (int i = 0; i < m; i++) {
        int zp = rows.zeroPoint(i);
        double sa = rows.scale(i);
        for (int j = 0; j < n; j++) {
          double sum = 0;
          double magnitude = 0;
          for (int p = 0; p < k; p++) {
            double ws =
                type == QuantizedWeights.Type.QB4W
                    ? QuantizedWeights.bf16ToFloat(blockScales[j * (k / blockSize) + p / blockSize])
                    : channelScales[j];
            int q = rows.value(i, p);
            sum += (q - zp) * sa * w[j * k + p] * ws;
            magnitude += (Math.abs(q) + Math.abs(zp) + 256) * sa * Math.abs(w[j * k + p]) * ws;
          }
          double reference = Math.min(Math.max(sum + bias[j], min), max);
          int roundings = type == QuantizedWeights.Type.QB4W ? 4 + k / 16 + k / blockSize : 4;
          double tolerance = roundings * 0x1p-24 * (magnitude + Math.abs(bias[j])) + 1e-30;
          float actual = c.getAtIndex(F32, 1 + (long) i * ldc + j);
          assertThat((double) actual)
              .as("%s m=%d n=%d k=%d (%d, %d)", type, m, n, k, i, j)
              .isCloseTo(reference, org.assertj.core.data.Offset.offset(tolerance));
        }
      }
    }
  }
}
