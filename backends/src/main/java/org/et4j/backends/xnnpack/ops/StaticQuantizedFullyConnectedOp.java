package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.qgemm.StaticQuantizedLinear;

/**
 * XNNPACK's statically quantized FullyConnected ({@code qs8-qc8w} GEMM): a per-tensor qint8
 * input, constant qcint8 (or per-tensor qint8) weights, an int32 bias and a per-tensor qint8
 * output, requantized in float as XNNPACK's {@code fp32} requantization does, with the node's
 * clamp mapped to the int8 range. The kernels module's {@link StaticQuantizedLinear} packs the
 * weights once.
 */
final class StaticQuantizedFullyConnectedOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final int n;
  private final int k;
  private final StaticQuantizedLinear linear;
  private long rows;

  StaticQuantizedFullyConnectedOp(XnnGraph.Node node, String where, XTensor in, XTensor filter, XTensor bias,
      XTensor out, int flags) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if ((flags & ~FullyConnectedOp.TRANSPOSE_WEIGHTS) != 0) {
      throw invalid("unsupported flags 0x" + Integer.toHexString(flags));
    }
    boolean transposed = (flags & FullyConnectedOp.TRANSPOSE_WEIGHTS) != 0;
    if (!StaticQuant.isPerTensorInt8(in) || !StaticQuant.isPerTensorInt8(out)) {
      throw unsupported("input " + in.describe() + " and output " + out.describe()
          + " of a static int8 fully-connected must be per-tensor qint8");
    }
    if (!filter.isConstant() || filter.rank() != 2 || in.rank() < 1 || out.rank() != in.rank()) {
      throw invalid("filter " + filter.describe() + " must be a 2-D constant and input " + in.describe()
          + " and output " + out.describe() + " of one rank");
    }
    n = transposed ? filter.dims[1] : filter.dims[0];
    k = transposed ? filter.dims[0] : filter.dims[1];
    float[] scales = StaticQuant.weightScales(filter, this, n, transposed ? 1 : 0);
    StaticQuant.checkBias(bias, this, n);
    try {
      linear = StaticQuantizedLinear.prepare(n, k, filter.data, 0, !transposed, scales, bias == null ? null : bias.data,
          0, StaticQuant.scale(in), StaticQuant.zeroPoint(in), StaticQuant.scale(out), StaticQuant.zeroPoint(out),
          node.outputMin(), node.outputMax());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public void reshape() {
    if (in.lastDim() != k) {
      throw badShape("input " + in.describe() + " has " + in.lastDim() + " features, the filter expects " + k);
    }
    int r = in.rank();
    System.arraycopy(in.dims, 0, out.dims, 0, r - 1);
    out.dims[r - 1] = n;
    rows = in.numel() / k;
    if (rows > Integer.MAX_VALUE) {
      throw badShape("input " + in.describe() + " has too many rows");
    }
  }

  @Override
  public void run() {
    linear.run((int) rows, in.data, 0, out.data, 0);
  }
}
