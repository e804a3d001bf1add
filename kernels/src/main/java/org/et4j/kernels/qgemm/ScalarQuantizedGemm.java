package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.Parallel;

/**
 * The scalar {@link QuantizedGemm}: the oracle for the vector one and the fallback without the
 * Vector API. One output at a time, integer sums in int32 exactly as XNNPACK's scalar kernels
 * ({@code src/qd8-f32-qc8w-gemm/gen/*-scalar.c}), the epilogue in the float order of its x86
 * SIMD kernels (fused multiply-add where they use one). Calls share out weight panels over {@link
 * Parallel}'s pool.
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
    Job job = JOB.get();
    if (job.inUse) {
      job = new Job(); // re-entered on this thread: never overwrite a running job
    }
    job.inUse = true;
    try {
      job.a = a;
      job.w = w;
      job.c = c;
      job.cOffset = cOffset;
      job.ldc = ldc;
      job.min = min;
      job.max = max;
      // Output channels are independent: threads share out panels, which also splits one row.
      long panelCost = (long) a.rows() * w.nr * Math.max(1, w.k);
      Parallel.forRange((w.n + w.nr - 1) / w.nr, Parallel.grain(panelCost, c, null), job);
    } finally {
      job.a = null;
      job.w = null;
      job.c = null;
      job.inUse = false;
    }
  }

  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  /** One call's arguments, shared by the threads of its region; reused by its thread. */
  private static final class Job implements Parallel.RangeTask {
    boolean inUse;
    QuantizedRows a;
    QuantizedWeights w;
    MemorySegment c;
    long cOffset;
    long ldc;
    float min;
    float max;

    @Override
    public void run(int from, int to) {
      rows(0, a.rows(), from * w.nr, Math.min(w.n, to * w.nr), a, w, c, cOffset, ldc, min, max);
    }
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
    rows(from, to, 0, w.n, a, w, c, cOffset, ldc, min, max);
  }

  /** Rows {@code [from, to)}, output channels {@code [jFrom, jTo)}. */
  static void rows(
      int from,
      int to,
      int jFrom,
      int jTo,
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
      for (int j = jFrom; j < jTo; j++) {
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
