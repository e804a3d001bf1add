package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;

/**
 * XNNPACK's BatchMatrixMultiply node ({@code bmm}, and {@code matmul} in attention): {@code
 * out[b] = a[b] @ B[b]} with {@code a [..., M, K]} and {@code b [..., K, N]} ({@code [..., N, K]}
 * with TRANSPOSE_B), the leading dims broadcast. float32 through the kernels' {@link Sgemm}.
 */
final class BatchMatrixMultiplyOp extends XnnOp {
  static final int TRANSPOSE_B = 1;

  private final XTensor a;
  private final XTensor b;
  private final XTensor out;
  private final boolean transposeB;
  private final Sgemm gemm = Sgemm.get();
  private int m;
  private int n;
  private int k;
  private long batches;
  private final long[] offsets = new long[2];
  /** The per-batch product for the current sizes, remade only when they change. */
  private GemmShape product;

  BatchMatrixMultiplyOp(XnnGraph.Node node, String where, XTensor a, XTensor b, XTensor out, int flags) {
    super(node, where, new XTensor[] {a, b}, new XTensor[] {out});
    this.a = a;
    this.b = b;
    this.out = out;
    if ((flags & ~TRANSPOSE_B) != 0) {
      throw invalid("unsupported flags 0x" + Integer.toHexString(flags));
    }
    this.transposeB = (flags & TRANSPOSE_B) != 0;
    for (XTensor t : new XTensor[] {a, b, out}) {
      if (t.type != XnnDatatype.FP32) {
        throw unsupported(t.describe() + ": et4j runs BatchMatrixMultiply on fp32 values");
      }
    }
    if (a.rank() < 2 || b.rank() < 2 || out.rank() != Math.max(a.rank(), b.rank())) {
      throw invalid("ranks of " + a.describe() + " x " + b.describe() + " -> " + out.describe() + " do not fit a batched product");
    }
  }

  @Override
  public void reshape() {
    int ra = a.rank();
    int rb = b.rank();
    int r = out.rank();
    m = a.dims[ra - 2];
    k = a.dims[ra - 1];
    int kb = transposeB ? b.dims[rb - 1] : b.dims[rb - 2];
    n = transposeB ? b.dims[rb - 2] : b.dims[rb - 1];
    if (kb != k) {
      throw badShape(a.describe() + " x " + b.describe() + (transposeB ? "^T" : "") + ": inner dims differ");
    }
    long count = 1;
    for (int d = 0; d < r - 2; d++) {
      int da = d - (r - ra) >= 0 ? a.dims[d - (r - ra)] : 1;
      int db = d - (r - rb) >= 0 ? b.dims[d - (r - rb)] : 1;
      if (da != db && da != 1 && db != 1) {
        throw badShape("batch dims of " + a.describe() + " and " + b.describe() + " are not broadcastable");
      }
      out.dims[d] = Math.max(da, db);
      count *= out.dims[d];
    }
    out.dims[r - 2] = m;
    out.dims[r - 1] = n;
    batches = count;
  }

  /**
   * Element offsets of output batch {@code idx}'s a and b matrices, through the broadcast. Worked
   * out per batch rather than tabled at reshape: the batch count comes from untrusted dims and
   * may be huge while the output is empty (a zero M or N), so nothing may be sized by it.
   */
  private void batchOffsets(long idx, long[] into) {
    int ra = a.rank();
    int rb = b.rank();
    int r = out.rank();
    long rem = idx;
    long ao = 0;
    long bo = 0;
    long as = (long) m * k;
    long bs = (long) k * n;
    for (int d = r - 3; d >= 0; d--) {
      int size = out.dims[d];
      long c = rem % size;
      rem /= size;
      int da = d - (r - ra) >= 0 ? a.dims[d - (r - ra)] : 1;
      int db = d - (r - rb) >= 0 ? b.dims[d - (r - rb)] : 1;
      if (da != 1) {
        ao += c * as;
      }
      if (db != 1) {
        bo += c * bs;
      }
      as *= da;
      bs *= db;
    }
    into[0] = ao;
    into[1] = bo;
  }

  @Override
  public void run() {
    if ((long) m * n == 0) {
      return; // an empty output, however many batches
    }
    long cs = (long) m * n;
    GemmShape p = product;
    if (p == null || p.m() != m || p.n() != n || p.k() != k) {
      p = GemmShape.of(m, n, k);
      product = p = transposeB ? p.transposeB(k) : p;
    }
    for (long i = 0; i < batches; i++) {
      batchOffsets(i, offsets);
      gemm.multiply(p, a.data, offsets[0], b.data, offsets[1], null, 0, out.data, i * cs);
    }
  }
}
