package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.portable.pointwise.FloatPointwise;

/**
 * XNNPACK's FullyConnected node over floating values: {@code out[..., n] = clamp(sum_k in[..., k] *
 * W(k, n) + bias[n])} with the filter {@code [N, K]} ({@code flags} 0, as {@code linear}) or
 * {@code [K, N]} (TRANSPOSE_WEIGHTS, as {@code addmm}/{@code mm}). Leading input dims are batch
 * dims, kept in the output. fp16 and bf16 filters and biases are widened to float32 once at init;
 * fp16/bf16 activations are widened per call into scratch memory planned at init, and results
 * rounded once on the way out (XNNPACK's bf16 kernel is bf16 x bf16 with a float32 result).
 * The multiply is the kernels module's {@link Sgemm}, the engine of the portable linear ops: a
 * constant filter is packed once at init with the bias inside its panels, and each call runs the
 * packed GEMM with the clamp fused into the store.
 */
final class FullyConnectedOp extends XnnOp {
  static final int TRANSPOSE_WEIGHTS = 1;

  private final XTensor in;
  private final XTensor filter;
  private final XTensor out;
  private final boolean transposed;
  private final int n;
  private final int k;
  private final float min;
  private final float max;
  private final MemorySegment weights;
  private final MemorySegment bias;
  /** The constant filter and bias packed once into GEMM panels (null for a dynamic filter). */
  private final org.et4j.kernels.gemm.PackedMatrix packed;
  private final XTensor dynamicBias;
  private final Arena arena = Arena.ofAuto();
  private final Sgemm gemm = Sgemm.get();
  private final FloatPointwise pointwise = FloatPointwise.instance();
  private final Float32Scratch inScratch;
  private final Float32Scratch outScratch;
  private long rows;
  /** The unpacked product for the current row count, remade only when it changes. */
  private GemmShape product;

  FullyConnectedOp(XnnGraph.Node node, String where, XTensor in, XTensor filter, XTensor biasValue, XTensor out, int flags,
      XnnGraph graph) {
    super(node, where, biasValue != null && !biasValue.isConstant() ? new XTensor[] {in, filter, biasValue}
        : new XTensor[] {in, filter}, new XTensor[] {out});
    this.inScratch = new Float32Scratch(this.where, graph);
    this.outScratch = new Float32Scratch(this.where, graph);
    this.in = in;
    this.filter = filter;
    this.out = out;
    if ((flags & ~TRANSPOSE_WEIGHTS) != 0) {
      throw invalid("unsupported flags 0x" + Integer.toHexString(flags));
    }
    this.transposed = (flags & TRANSPOSE_WEIGHTS) != 0;
    if (filter.rank() != 2) {
      throw invalid("filter " + filter.describe() + " must be 2-D");
    }
    this.n = transposed ? filter.dims[1] : filter.dims[0];
    this.k = transposed ? filter.dims[0] : filter.dims[1];
    this.min = node.outputMin();
    this.max = node.outputMax();
    for (XTensor t : new XTensor[] {in, filter, out}) {
      if (!Floats.isFloating(t.type)) {
        throw unsupported(in.describe() + " x " + filter.describe() + " -> " + out.describe()
            + ": this combination of datatypes is not supported by et4j's fully-connected");
      }
    }
    if (in.rank() < 1 || out.rank() != in.rank()) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " must have the same rank >= 1");
    }
    if (biasValue != null) {
      if (biasValue.rank() != 1 || biasValue.dims[0] != n || !Floats.isFloating(biasValue.type)) {
        throw invalid("bias " + biasValue.describe() + " must be a floating vector of " + n);
      }
      if (!biasValue.isConstant() && biasValue.type != XnnDatatype.FP32) {
        // Only constant biases are widened (once, here); a bias computed at run time goes to the
        // multiply as it is, and the multiply reads float32.
        throw unsupported("a non-constant " + biasValue.type + " bias is not supported");
      }
    }
    // Constants widened to float32 once (a view of the file when already float32).
    if (!filter.isConstant() && filter.type != XnnDatatype.FP32) {
      throw unsupported("a non-constant " + filter.type + " filter is not supported");
    }
    this.weights = filter.isConstant() ? widen(filter) : null;
    this.bias = biasValue != null && biasValue.isConstant() ? widen(biasValue) : null;
    this.dynamicBias = biasValue != null && !biasValue.isConstant() ? biasValue : null;
    this.packed = weights != null && dynamicBias == null
        ? gemm.packB(k, n, weights, 0, transposed ? n : k, !transposed, bias, 0)
        : null;
  }

  private MemorySegment widen(XTensor t) {
    if (t.type == XnnDatatype.FP32) {
      return t.data;
    }
    long count = t.numel();
    MemorySegment s = arena.allocate(count * 4, 64);
    for (long i = 0; i < count; i++) {
      s.setAtIndex(Floats.F32, i, Floats.get(t.type, t.data, i));
    }
    return s;
  }

  @Override
  public void reshape() {
    if (in.lastDim() != k) {
      throw badShape("input " + in.describe() + " has " + in.lastDim() + " features but the filter "
          + filter.describe() + " expects " + k);
    }
    int r = in.rank();
    for (int d = 0; d < r - 1; d++) {
      out.dims[d] = in.dims[d];
    }
    out.dims[r - 1] = n;
    rows = in.numel() / Math.max(k, 1);
    if (rows > Integer.MAX_VALUE) {
      throw badShape("input " + in.describe() + " has too many rows");
    }
    inScratch.reserve(in);
    outScratch.reserve(out);
  }

  @Override
  public void run() {
    int m = (int) rows;
    MemorySegment a = inScratch.widen(in);
    MemorySegment c = out.type == XnnDatatype.FP32 ? out.data : outScratch.room();
    long total = (long) m * n;
    if (packed != null) {
      gemm.multiplyPacked(m, a, 0, k, packed, c, 0, n, min, max);
    } else {
      MemorySegment w = weights != null ? weights : filter.data;
      MemorySegment bv = bias != null ? bias : dynamicBias != null ? dynamicBias.data : null;
      GemmShape p = product;
      if (p == null || p.m() != m) {
        // B is the filter [n, k] read transposed, or [k, n] with TRANSPOSE_WEIGHTS; the bias a row.
        p = GemmShape.of(m, n, k).addend(bv == null ? 0f : 1f, 0, 1);
        product = p = transposed ? p : p.transposeB(k);
      }
      gemm.multiply(p, a, 0, w, 0, bv, 0, c, 0);
      if (min != Float.NEGATIVE_INFINITY || max != Float.POSITIVE_INFINITY) {
        pointwise.clamp(c, min, max, c, total);
      }
    }
    if (c != out.data) {
      for (long i = 0; i < total; i++) {
        Floats.set(out.type, out.data, i, c.getAtIndex(Floats.F32, i));
      }
    }
  }
}
