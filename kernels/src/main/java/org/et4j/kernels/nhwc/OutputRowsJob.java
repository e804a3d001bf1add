package org.et4j.kernels.nhwc;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Parallel;

/**
 * One depthwise convolution or pooling call, split by output rows over {@link Parallel}'s pool.
 * Output rows are independent (each reads a window of the input and writes its own pixels), so
 * the split changes only which thread computes a row, never how. Each thread keeps one reusable
 * job, so that a call allocates nothing; the kernel objects it points at are immutable.
 */
final class OutputRowsJob implements Parallel.RangeTask {
  static final int DEPTHWISE = 0;
  static final int MAX_POOL = 1;
  static final int AVERAGE_POOL = 2;

  private static final ThreadLocal<OutputRowsJob> JOB = ThreadLocal.withInitial(OutputRowsJob::new);

  private boolean inUse;
  private int kind;
  private DepthwiseConv2dNhwc depthwise;
  private Pooling2dNhwc pooling;
  private int inH;
  private int inW;
  private int outH;
  private int outW;
  private MemorySegment in;
  private long inOff;
  private MemorySegment out;
  private long outOff;
  private float min;
  private float max;

  private OutputRowsJob() {}

  /**
   * Runs the op over all {@code batch * outH} output rows; {@code rowCost} is one row's
   * multiply-adds (or comparisons), which sets how many rows a chunk must hold to be worth a
   * thread.
   */
  static void run(
      int kind, DepthwiseConv2dNhwc depthwise, Pooling2dNhwc pooling, int batch, int inH, int inW,
      int outH, int outW, MemorySegment in, long inOff, MemorySegment out, long outOff, float min,
      float max, long rowCost) {
    OutputRowsJob job = JOB.get();
    if (job.inUse) {
      job = new OutputRowsJob(); // re-entered on this thread: never overwrite a running job
    }
    job.inUse = true;
    try {
      job.kind = kind;
      job.depthwise = depthwise;
      job.pooling = pooling;
      job.inH = inH;
      job.inW = inW;
      job.outH = outH;
      job.outW = outW;
      job.in = in;
      job.inOff = inOff;
      job.out = out;
      job.outOff = outOff;
      job.min = min;
      job.max = max;
      long rows = (long) batch * outH;
      if (rows > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "batch " + batch + " x output height " + outH + " exceeds 2^31 rows");
      }
      Parallel.forRange((int) rows, Parallel.grain(rowCost, in, out), job);
    } finally {
      job.depthwise = null;
      job.pooling = null;
      job.in = null;
      job.out = null;
      job.inUse = false;
    }
  }

  @Override
  public void run(int from, int to) {
    switch (kind) {
      case DEPTHWISE ->
          depthwise.kernels.depthwise(
              depthwise, from, to, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
      case MAX_POOL ->
          pooling.kernels.maxPool(
              pooling, from, to, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
      default ->
          pooling.kernels.averagePool(
              pooling, from, to, inH, inW, outH, outW, in, inOff, out, outOff, min, max);
    }
  }
}
