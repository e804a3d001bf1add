package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.Parallel;

/**
 * The scalar {@link Sgemm}: the oracle for the vector one and the fallback without the Vector API.
 * Row by row, in i-p-j order so that the inner loop walks {@code B} and the row accumulator with
 * unit stride when {@code B} is not transposed; each element sums its products in ascending
 * {@code p}, in float, as the straightforward definition does. Calls are split over {@link
 * Parallel}'s pool by rows, or by columns when there are too few rows to go round; each output is
 * computed the same way whichever thread computes it.
 */
public final class ScalarSgemm implements Sgemm {
  static final ScalarSgemm INSTANCE = new ScalarSgemm();

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** One row of accumulators per thread, grown on demand, so steady-state calls allocate nothing. */
  private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

  /** Each thread's reusable region arguments, so that a parallel call allocates nothing. */
  private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

  private ScalarSgemm() {}

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void multiply(
      GemmShape shape, MemorySegment a, long aOffset, MemorySegment b, long bOffset,
      MemorySegment addend, long addendOffset, MemorySegment c, long cOffset) {
    if (shape == null) {
      throw new IllegalArgumentException("GEMM shape is null");
    }
    int m = shape.m();
    int n = shape.n();
    int k = shape.k();
    if (m == 0 || n == 0) {
      return;
    }
    Job job = Job.take();
    try {
      job.kind = Job.MULTIPLY;
      job.m = m;
      job.n = n;
      job.k = k;
      job.alpha = shape.alpha();
      job.a = a;
      job.aOffset = aOffset;
      job.lda = shape.lda();
      job.transA = shape.transA();
      job.b = b;
      job.bOffset = bOffset;
      job.ldb = shape.ldb();
      job.transB = shape.transB();
      job.beta = shape.beta();
      job.addend = addend;
      job.addendOffset = addendOffset;
      job.addendRowStride = shape.addendRowStride();
      job.addendColStride = shape.addendColStride();
      job.c = c;
      job.cOffset = cOffset;
      job.ldc = shape.ldc();
      job.run((long) n * Math.max(1, k), 1);
    } finally {
      job.clear();
    }
  }

  /** Rows {@code [i0, i1)}, columns {@code [j0, j1)} of {@link #multiply}. */
  private static void multiplyRange(Job t, int i0, int i1, int j0, int j1) {
    float[] acc = accumulators(t.n);
    boolean products = t.alpha != 0 && t.k > 0;
    MemorySegment a = t.a;
    MemorySegment b = t.b;
    long lda = t.lda;
    long ldb = t.ldb;
    for (int i = i0; i < i1; i++) {
      java.util.Arrays.fill(acc, j0, j1, 0f);
      if (products) {
        for (int p = 0; p < t.k; p++) {
          float av = a.getAtIndex(FLOAT, t.aOffset + (t.transA ? p * lda + i : i * lda + p));
          if (t.transB) {
            for (int j = j0; j < j1; j++) {
              acc[j] += av * b.getAtIndex(FLOAT, t.bOffset + j * ldb + p);
            }
          } else {
            long row = t.bOffset + p * ldb;
            for (int j = j0; j < j1; j++) {
              acc[j] += av * b.getAtIndex(FLOAT, row + j);
            }
          }
        }
      }
      long cRow = t.cOffset + i * t.ldc;
      long dRow = t.addendOffset + i * t.addendRowStride;
      for (int j = j0; j < j1; j++) {
        float v = t.alpha * acc[j];
        if (t.beta != 0) {
          v += t.beta * t.addend.getAtIndex(FLOAT, dRow + j * t.addendColStride);
        }
        t.c.setAtIndex(FLOAT, cRow + j, v);
      }
    }
  }

  /** Panel width of the scalar packing; any width is correct, 8 keeps the panel walk short. */
  static final int NR = 8;

  @Override
  public PackedMatrix packB(
      int k, int n, MemorySegment w, long wOffset, long ldw, boolean nByK, MemorySegment bias,
      long biasOffset) {
    return PackedMatrix.pack(this, NR, k, n, w, wOffset, ldw, nByK, bias, biasOffset);
  }

  /**
   * Row by row: the accumulator row starts from the bias, then each {@code A(i, p)} scales row
   * {@code p} of every panel into it, in ascending {@code p}; the clamp is applied on the store.
   */
  @Override
  public void multiplyPacked(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c, long cOffset,
      long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkMultiply(m, a, aOffset, lda, b, c, cOffset, ldc, min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    Job job = Job.take();
    try {
      job.kind = Job.PACKED;
      setPacked(job, m, a, aOffset, b, c, cOffset, ldc, min, max);
      job.lda = lda;
      job.run((long) b.n * Math.max(1, b.k), NR);
    } finally {
      job.clear();
    }
  }

  private static void setPacked(
      Job job, int m, MemorySegment a, long aOffset, PackedMatrix b, MemorySegment c,
      long cOffset, long ldc, float min, float max) {
    job.m = m;
    job.n = b.n;
    job.a = a;
    job.aOffset = aOffset;
    job.packed = b;
    job.c = c;
    job.cOffset = cOffset;
    job.ldc = ldc;
    job.min = min;
    job.max = max;
  }

  private static void packedRange(Job t, int i0, int i1, int j0, int j1) {
    PackedMatrix b = t.packed;
    float[] acc = accumulators(b.n);
    for (int i = i0; i < i1; i++) {
      startFromBias(b, acc, j0, j1);
      long aRow = t.aOffset + i * t.lda;
      for (int p = 0; p < b.k; p++) {
        addScaledRow(b, p, t.a.getAtIndex(FLOAT, aRow + p), acc, j0, j1);
      }
      storeClamped(acc, t.c, t.cOffset + i * t.ldc, t.min, t.max, j0, j1);
    }
  }

  /** As {@link #multiplyPacked}, with A's row segments found through the indirection table. */
  @Override
  public void multiplyIndirect(
      int m, int taps, int channels, int[] indirection, int indirectionOffset, MemorySegment a,
      long aOffset, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkIndirect(
        m, taps, channels, indirection, indirectionOffset, a, aOffset, b, c, cOffset, ldc, min,
        max);
    if (m == 0 || b.n == 0) {
      return;
    }
    Job job = Job.take();
    try {
      job.kind = Job.INDIRECT;
      setPacked(job, m, a, aOffset, b, c, cOffset, ldc, min, max);
      job.taps = taps;
      job.channels = channels;
      job.indirection = indirection;
      job.indirectionOffset = indirectionOffset;
      job.run((long) b.n * Math.max(1, b.k), NR);
    } finally {
      job.clear();
    }
  }

  private static void indirectRange(Job job, int i0, int i1, int j0, int j1) {
    PackedMatrix b = job.packed;
    float[] acc = accumulators(b.n);
    for (int i = i0; i < i1; i++) {
      startFromBias(b, acc, j0, j1);
      for (int t = 0; t < job.taps; t++) {
        int e = job.indirection[job.indirectionOffset + i * job.taps + t];
        if (e < 0) {
          continue; // the zero row adds nothing
        }
        long row = job.aOffset + e;
        for (int q = 0; q < job.channels; q++) {
          addScaledRow(
              b, t * job.channels + q, job.a.getAtIndex(FLOAT, row + q), acc, j0, j1);
        }
      }
      storeClamped(acc, job.c, job.cOffset + i * job.ldc, job.min, job.max, j0, j1);
    }
  }

  private static float[] accumulators(int n) {
    float[][] holder = ROW.get();
    if (holder[0].length < n) {
      holder[0] = new float[n];
    }
    return holder[0];
  }

  private static void startFromBias(PackedMatrix b, float[] acc, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      acc[j] = b.data[j / NR * b.panelStride + j % NR];
    }
  }

  /**
   * {@code acc[j] += av * B(p, j)} for columns {@code [j0, j1)}, panel by panel; {@code j0} is a
   * multiple of NR.
   */
  private static void addScaledRow(PackedMatrix b, int p, float av, float[] acc, int j0, int j1) {
    float[] data = b.data;
    for (int jp = j0; jp < j1; jp += NR) {
      int at = jp / NR * b.panelStride + (p + 1) * NR;
      int width = Math.min(NR, j1 - jp);
      for (int jj = 0; jj < width; jj++) {
        acc[jp + jj] += av * data[at + jj];
      }
    }
  }

  /** XNNPACK's output clamp, {@code max(min(x, max), min)}: a NaN stays NaN. */
  private static void storeClamped(
      float[] acc, MemorySegment c, long cRow, float min, float max, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      c.setAtIndex(FLOAT, cRow + j, Math.max(Math.min(acc[j], max), min));
    }
  }

  /**
   * One call's arguments, shared by the threads of its region: rows are split when there are at
   * least two per thread, otherwise columns in units of {@code unit} (NR for packed B, so that no
   * unit straddles a panel).
   */
  private static final class Job implements Parallel.RangeTask {
    static final int MULTIPLY = 0;
    static final int PACKED = 1;
    static final int INDIRECT = 2;

    boolean inUse;
    int kind;
    boolean byRows;
    int unit;
    int m;
    int n;
    int k;
    float alpha;
    MemorySegment a;
    long aOffset;
    long lda;
    boolean transA;
    MemorySegment b;
    long bOffset;
    long ldb;
    boolean transB;
    float beta;
    MemorySegment addend;
    long addendOffset;
    long addendRowStride;
    long addendColStride;
    MemorySegment c;
    long cOffset;
    long ldc;
    PackedMatrix packed;
    float min;
    float max;
    int taps;
    int channels;
    int[] indirection;
    int indirectionOffset;

    /** This thread's job, or a fresh one if this thread is already inside a call (re-entry). */
    static Job take() {
      Job job = JOB.get();
      if (job.inUse) {
        job = new Job();
      }
      job.inUse = true;
      return job;
    }

    /** Splits the call; {@code rowCost} is one row's multiply-adds. */
    void run(long rowCost, int unit) {
      this.unit = unit;
      byRows = m >= 2 * Parallel.threads();
      boolean shareable = Parallel.shareable(b) && Parallel.shareable(addend);
      long cost = byRows ? rowCost : rowCost / Math.max(1, n) * unit * m;
      int grain = shareable ? Parallel.grain(cost, a, c) : Integer.MAX_VALUE;
      Parallel.forRange(byRows ? m : (n + unit - 1) / unit, grain, this);
    }

    @Override
    public void run(int from, int to) {
      int i0 = byRows ? from : 0;
      int i1 = byRows ? to : m;
      int j0 = byRows ? 0 : from * unit;
      int j1 = byRows ? n : Math.min(n, to * unit);
      switch (kind) {
        case MULTIPLY -> multiplyRange(this, i0, i1, j0, j1);
        case PACKED -> packedRange(this, i0, i1, j0, j1);
        default -> indirectRange(this, i0, i1, j0, j1);
      }
    }

    void clear() {
      a = null;
      b = null;
      addend = null;
      c = null;
      packed = null;
      indirection = null;
      inUse = false;
    }
  }
}
