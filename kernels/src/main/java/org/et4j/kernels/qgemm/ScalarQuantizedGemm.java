package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar {@link QuantizedGemm}: the oracle for the vector one and the fallback without the
 * Vector API. One output at a time, integer sums in int32 exactly as XNNPACK's scalar kernels
 * ({@code src/qd8-f32-qc8w-gemm/gen/*-scalar.c}), the epilogue in the float order of its x86
 * SIMD kernels (fused multiply-add where they use one).
 */
final class ScalarQuantizedGemm implements QuantizedGemm {
  static final ScalarQuantizedGemm INSTANCE = new ScalarQuantizedGemm();

  /** Any width works for the scalar loops; 16 is the AVX-512 float lane count. */
  private static final int PANEL_WIDTH = 16;

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private ScalarQuantizedGemm() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public int panelWidth() {
    return PANEL_WIDTH;
  }

  @Override
  public void multiply(
      QuantizedRows a, QuantizedWeights w, MemorySegment c, long cOffset, long ldc, float min,
      float max) {
    QuantizedGemm.check(a, w, min, max);
    rows(0, a.rows(), a, w, c, cOffset, ldc, min, max);
  }

  /** Rows {@code [from, to)}; the vector kernel finishes its leftovers here too. */
  static void rows(
      int from,
      int to,
      QuantizedRows a,
      QuantizedWeights w,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max) {
    int k = w.k;
    int nr = w.nr;
    byte[] q = a.values;
    byte[] wv = w.values;
    for (int i = from; i < to; i++) {
      int row = i * k;
      int zp = a.zeroPoints[i];
      float inScale = a.scales[i];
      long cRow = cOffset + i * ldc;
      for (int j = 0; j < w.n; j++) {
        int base = (j / nr) * k * nr + j % nr;
        float out;
        if (w.type == QuantizedWeights.Type.QB4W) {
          int panel = j / nr;
          int jj = j % nr;
          int off = w.activationOffset;
          float v = w.kernelSums[j] * (float) (zp + off);
          for (int b = 0; b < w.blocks; b++) {
            int acc = 0;
            for (int p = b * w.blockSize; p < (b + 1) * w.blockSize; p++) {
              acc += (q[row + p] + off) * wv[base + p * nr];
            }
            v = Math.fma((float) acc, w.blockScales[(panel * w.blocks + b) * nr + jj], v);
          }
          out = v * inScale + w.bias[j];
        } else {
          int acc = -zp * w.columnSums[j];
          for (int p = 0; p < k; p++) {
            acc += q[row + p] * wv[base + p * nr];
          }
          out = Math.fma((float) acc * inScale, w.channelScales[j], w.bias[j]);
        }
        c.setAtIndex(FLOAT, cRow + j, Math.min(Math.max(out, min), max));
      }
    }
  }
}
