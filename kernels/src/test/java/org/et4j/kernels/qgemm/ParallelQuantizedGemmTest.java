package org.et4j.kernels.qgemm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.et4j.kernels.util.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Each weight type gives the same bits with 1, 2, 3 and 4 threads, at a grain of one
 * multiply-add so that test-sized products split: one row (panels shared out), a few rows, and
 * enough row tiles for a row split when panels are few; for the vector and the scalar kernels.
 */
class ParallelQuantizedGemmTest {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

  @Test
  void everyTypeAtEveryThreadCount() {
    Random random = new Random(31);
    // A shared arena: a confined one would (rightly) keep every call on the caller.
    try (Arena arena = Arena.ofShared()) {
      for (QuantizedGemm gemm :
          new QuantizedGemm[] {new VectorQuantizedGemm(), QuantizedGemm.scalar()}) {
        for (QuantizedWeights.Type type : QuantizedWeights.Type.values()) {
          for (int[] mn : new int[][] {{1, 77}, {6, 150}, {19, 33}, {41, 5}}) {
            int m = mn[0];
            int n = mn[1];
            int k = 64;
            QuantizedWeights w = weights(arena, random, type, n, k, gemm.panelWidth());
            MemorySegment x = arena.allocate(4L * m * k, 4);
            for (int i = 0; i < m * k; i++) {
              x.setAtIndex(F32, i, (float) random.nextGaussian());
            }
            QuantizedRows rows = QuantizedRows.allocate(m, k);
            DynamicQuantization.quantizeRows(m, k, x, 0, k, rows);
            int[] expected = null;
            for (int threads = 1; threads <= 4; threads++) {
              MemorySegment c = arena.allocate(4L * m * n, 4);
              c.fill((byte) 0x7f);
              Parallel.withThreads(threads, 1, () -> gemm.multiply(rows, w, c, 0, n, -3f, 3f));
              int[] got = new int[m * n];
              for (int i = 0; i < got.length; i++) {
                got[i] = Float.floatToRawIntBits(c.getAtIndex(F32, i));
              }
              if (expected == null) {
                expected = got;
              } else {
                assertThat(Arrays.equals(expected, got))
                    .as("%s %s m=%d n=%d, %d threads", gemm.name(), type, m, n, threads)
                    .isTrue();
              }
            }
          }
        }
      }
    }
  }

  private static QuantizedWeights weights(
      Arena arena, Random random, QuantizedWeights.Type type, int n, int k, int nr) {
    float[] scales = new float[n];
    MemorySegment bias = arena.allocate(4L * n, 4);
    for (int j = 0; j < n; j++) {
      scales[j] = 0.001f + random.nextFloat() * 0.02f;
      bias.setAtIndex(F32, j, (float) random.nextGaussian());
    }
    if (type == QuantizedWeights.Type.QC8W) {
      MemorySegment src = arena.allocate((long) n * k, 1);
      for (long i = 0; i < (long) n * k; i++) {
        src.set(ValueLayout.JAVA_BYTE, i, (byte) (random.nextInt(256) - 128));
      }
      return QuantizedWeights.packPerChannel(type, n, k, src, 0, true, scales, bias, 0, nr);
    }
    MemorySegment src = arena.allocate((long) n * k / 2, 1);
    for (long i = 0; i < (long) n * k / 2; i++) {
      src.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
    }
    if (type == QuantizedWeights.Type.QC4W) {
      return QuantizedWeights.packPerChannel(type, n, k, src, 0, true, scales, bias, 0, nr);
    }
    int blockSize = 32;
    short[] blockScales = new short[n * (k / blockSize)];
    for (int s = 0; s < blockScales.length; s++) {
      float scale = 0.002f + random.nextFloat() * 0.05f;
      blockScales[s] = (short) (Float.floatToRawIntBits(scale) >>> 16);
    }
    return QuantizedWeights.packBlockwise(
        n, k, blockSize, src, 0, true, blockScales, bias, 0, 128, nr);
  }
}
