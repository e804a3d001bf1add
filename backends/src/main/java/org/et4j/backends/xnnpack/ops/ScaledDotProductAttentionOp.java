package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.portable.reduce.FloatRows;

/**
 * XNNPACK's ScaledDotProductAttention node, as ExecuTorch's (since removed) serializer wrote it:
 * query {@code [..., T, C]}, key {@code [..., U, C]}, value {@code [..., U, D]}, a per-channel
 * scale {@code [C]} applied to the query, an additive mask {@code [T, U]}, and
 * {@code out[..., T, D] = softmax((Q * scale) K^T + mask) V}. ExecuTorch's own runtime rejects
 * this node as not implemented; et4j runs it with the same GEMM and softmax rows as the portable
 * matmul and softmax kernels. Leading dims of key and value broadcast against the query's.
 */
final class ScaledDotProductAttentionOp extends XnnOp {
  private final XTensor q;
  private final XTensor k;
  private final XTensor v;
  private final XTensor scale;
  private final XTensor mask;
  private final XTensor out;
  private final Sgemm gemm = Sgemm.get();
  private final FloatRows rows = FloatRows.get();
  private final Arena arena = Arena.ofAuto();
  private MemorySegment scaledQ;
  private MemorySegment logits;
  /** {@code logits = scaledQ K^T + mask} and {@code out = logits V}, remade by reshape. */
  private GemmShape logitsProduct;
  private GemmShape valuesProduct;
  private int t;
  private int u;
  private int c;
  private int d;
  private long batches;
  private long kvBatches;

  ScaledDotProductAttentionOp(XnnGraph.Node node, String where, XTensor q, XTensor k, XTensor v, XTensor scale,
      XTensor mask, XTensor out) {
    super(node, where, new XTensor[] {q, k, v, scale, mask}, new XTensor[] {out});
    this.q = q;
    this.k = k;
    this.v = v;
    this.scale = scale;
    this.mask = mask;
    this.out = out;
    for (XTensor x : new XTensor[] {q, k, v, scale, mask, out}) {
      if (x.type != XnnDatatype.FP32) {
        throw unsupported(x.describe() + ": et4j runs ScaledDotProductAttention on fp32 values");
      }
    }
    int r = q.rank();
    if (r < 2 || k.rank() != r || v.rank() != r || out.rank() != r || scale.rank() != 1 || mask.rank() != 2) {
      throw invalid("query " + q.describe() + ", key " + k.describe() + ", value " + v.describe() + ", scale "
          + scale.describe() + ", mask " + mask.describe() + " and output " + out.describe()
          + " do not have the ranks attention needs");
    }
  }

  @Override
  public void reshape() {
    int r = q.rank();
    t = q.dims[r - 2];
    c = q.dims[r - 1];
    u = k.dims[r - 2];
    d = v.dims[r - 1];
    if (k.dims[r - 1] != c || v.dims[r - 2] != u || scale.dims[0] != c || mask.dims[0] != t || mask.dims[1] != u) {
      throw badShape("query " + q.describe() + ", key " + k.describe() + ", value " + v.describe() + ", scale "
          + scale.describe() + " and mask " + mask.describe() + " do not fit together");
    }
    long nq = 1;
    long nk = 1;
    for (int i = 0; i < r - 2; i++) {
      if (k.dims[i] != q.dims[i] || v.dims[i] != q.dims[i]) {
        throw badShape("batch dims of key " + k.describe() + " and value " + v.describe() + " differ from query "
            + q.describe());
      }
      nq *= q.dims[i];
      nk *= k.dims[i];
      out.dims[i] = q.dims[i];
    }
    out.dims[r - 2] = t;
    out.dims[r - 1] = d;
    batches = nq;
    kvBatches = nk;
    long qBytes = 4L * t * c;
    long lBytes = 4L * t * u;
    if (scaledQ == null || scaledQ.byteSize() < qBytes) {
      scaledQ = arena.allocate(Math.max(4, qBytes), 64);
    }
    if (logits == null || logits.byteSize() < lBytes) {
      logits = arena.allocate(Math.max(4, lBytes), 64);
    }
    logitsProduct = GemmShape.of(t, u, c).transposeB(c).addend(1f, u, 1);
    valuesProduct = GemmShape.of(t, d, u);
  }

  @Override
  public void run() {
    for (long b = 0; b < batches; b++) {
      long qo = b * t * c;
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < c; j++) {
          scaledQ.setAtIndex(Floats.F32, (long) i * c + j,
              q.data.getAtIndex(Floats.F32, qo + (long) i * c + j) * scale.data.getAtIndex(Floats.F32, j));
        }
      }
      long ko = b * u * c;
      long vo = b * u * d;
      // logits = scaledQ K^T + mask (the mask is the GEMM's addend: one pass).
      gemm.multiply(logitsProduct, scaledQ, 0, k.data, ko, mask.data, 0, logits, 0);
      for (int i = 0; i < t; i++) {
        rows.softmax(logits, (long) i * u, logits, (long) i * u, u);
      }
      gemm.multiply(valuesProduct, logits, 0, v.data, vo, null, 0, out.data, b * t * d);
    }
  }
}
