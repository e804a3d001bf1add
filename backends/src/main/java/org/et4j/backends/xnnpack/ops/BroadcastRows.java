package org.et4j.backends.xnnpack.ops;

/**
 * The numpy broadcast of two values into an output, as XNNPACK's
 * {@code resize_binary_elementwise_output_tensor} computes it (dims aligned from the trailing
 * end; a dim of 1 stretches), walked as rows of the innermost dim: each row has one element
 * offset into each input, and each input's inner stride is 0 (broadcast) or 1. When the whole
 * output is one run (same shapes, or a scalar on one side) it is one row. Rebuilt by
 * {@link #plan} whenever a shape changes; {@link #aOffset}/{@link #bOffset} allocate nothing.
 */
final class BroadcastRows {
  private final int[] outDims;
  private final long[] aStrides;
  private final long[] bStrides;
  long rows;
  int inner;
  long aInner;
  long bInner;

  BroadcastRows(int rank) {
    outDims = new int[rank];
    aStrides = new long[rank];
    bStrides = new long[rank];
  }

  /**
   * Sets the output's dims from the inputs'.
   *
   * @throws IllegalArgumentException naming the dims when they do not broadcast
   */
  void plan(XTensor a, XTensor b, XTensor out) {
    int r = out.rank();
    int ra = a.rank();
    int rb = b.rank();
    if (Math.max(ra, rb) != r) {
      throw new IllegalArgumentException("output rank " + r + " is not the larger of the input ranks " + ra + " and " + rb);
    }
    long sa = 1;
    long sb = 1;
    for (int i = r - 1; i >= 0; i--) {
      int da = i - (r - ra) >= 0 ? a.dims[i - (r - ra)] : 1;
      int db = i - (r - rb) >= 0 ? b.dims[i - (r - rb)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException("input dims " + a.describe() + " and " + b.describe() + " are not broadcastable");
      }
      int d = da == 0 || db == 0 ? 0 : Math.max(da, db);
      outDims[i] = d;
      aStrides[i] = da == 1 && d != 1 ? 0 : sa;
      bStrides[i] = db == 1 && d != 1 ? 0 : sb;
      sa *= da;
      sb *= db;
    }
    out.setDims(outDims);
    long n = out.numel();
    if (a.numel() == n && b.numel() == n || a.numel() == 1 || b.numel() == 1) {
      inner = (int) Math.min(Integer.MAX_VALUE, n);
      aInner = a.numel() == 1 && n != 1 ? 0 : 1;
      bInner = b.numel() == 1 && n != 1 ? 0 : 1;
    } else {
      inner = r == 0 ? 1 : outDims[r - 1];
      aInner = aStrides[r - 1];
      bInner = bStrides[r - 1];
    }
    rows = inner == 0 ? 0 : n / inner;
  }

  /** Element offset in {@code a} of the first element of output row {@code row}. */
  long aOffset(long row) {
    return offset(row, aStrides);
  }

  /** Element offset in {@code b} of the first element of output row {@code row}. */
  long bOffset(long row) {
    return offset(row, bStrides);
  }

  private long offset(long row, long[] strides) {
    if (rows <= 1) {
      return 0;
    }
    long rem = row;
    long off = 0;
    for (int d = outDims.length - 2; d >= 0; d--) {
      int size = outDims[d];
      off += rem % size * strides[d];
      rem /= size;
    }
    return off;
  }
}
