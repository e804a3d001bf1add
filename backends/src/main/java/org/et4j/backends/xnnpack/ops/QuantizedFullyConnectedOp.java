package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.backends.xnnpack.XnnQuant;
import org.et4j.kernels.qgemm.QuantizedGemm;
import org.et4j.kernels.qgemm.QuantizedRows;
import org.et4j.kernels.qgemm.QuantizedWeights;

/**
 * XNNPACK's dynamically quantized FullyConnected: a qdint8 input (from a Convert), constant
 * qcint8, qcint4 or qbint4 weights, an fp32 bias and an fp32 output with the fused clamp. The
 * weights are packed once here with their column sums ({@link QuantizedWeights}); each call loads
 * the quantized rows into a reusable workspace and runs the integer GEMM ({@link QuantizedGemm}),
 * which applies the row and channel scales once per output.
 */
final class QuantizedFullyConnectedOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final int n;
  private final int k;
  private final float min;
  private final float max;
  private final QuantizedWeights weights;
  private final QuantizedGemm gemm = QuantizedGemm.get();
  private QuantizedRows workspace;
  private int[] rowZeroPoints = new int[0];
  private float[] rowScales = new float[0];
  private int rows;

  QuantizedFullyConnectedOp(XnnGraph.Node node, String where, XTensor in, XTensor filter, XTensor bias, XTensor out,
      int flags) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if ((flags & ~FullyConnectedOp.TRANSPOSE_WEIGHTS) != 0) {
      throw invalid("unsupported flags 0x" + Integer.toHexString(flags));
    }
    boolean transposed = (flags & FullyConnectedOp.TRANSPOSE_WEIGHTS) != 0;
    if (out.type != XnnDatatype.FP32 || bias != null && bias.type != XnnDatatype.FP32) {
      throw unsupported("a dynamically quantized fully-connected needs an fp32 output and bias, got "
          + out.describe() + (bias == null ? "" : ", bias " + bias.describe()));
    }
    if (!filter.isConstant() || bias != null && !bias.isConstant()) {
      throw unsupported("filter " + filter.describe() + " and bias must be constants");
    }
    if (filter.rank() != 2 || in.rank() < 1 || out.rank() != in.rank()) {
      throw invalid("filter " + filter.describe() + " must be 2-D and input " + in.describe() + " and output "
          + out.describe() + " of one rank");
    }
    n = transposed ? filter.dims[1] : filter.dims[0];
    k = transposed ? filter.dims[0] : filter.dims[1];
    if (bias != null && (bias.rank() != 1 || bias.dims[0] != n)) {
      throw invalid("bias " + bias.describe() + " must have " + n + " values");
    }
    min = node.outputMin();
    max = node.outputMax();
    try {
      weights = switch (filter.type) {
        case QCINT8, QCINT4 -> {
          XnnQuant.PerChannel q = (XnnQuant.PerChannel) filter.quant();
          if (q.scales().length != n || q.channelDim() != (transposed ? 1 : 0)) {
            throw invalid("filter " + filter.describe() + " has " + q.scales().length + " scales along dim "
                + q.channelDim() + ", expected " + n + " along the output channels");
          }
          yield filter.type == XnnDatatype.QCINT8
              ? QuantizedWeights.packQc8w(n, k, filter.data, 0, !transposed, q.scales(), bias == null ? null : bias.data, 0)
              : QuantizedWeights.packQc4w(n, k, filter.data, 0, !transposed, q.scales(), bias == null ? null : bias.data, 0);
        }
        case QBINT4 -> {
          XnnQuant.Blockwise q = (XnnQuant.Blockwise) filter.quant();
          if (transposed || q.channelDim() != 0) {
            throw unsupported("blockwise weights " + filter.describe() + " are supported as [N, K] with channel_dim 0");
          }
          yield QuantizedWeights.packQb4w(n, k, q.blockSize(), filter.data, 0, true, q.bf16Scales(),
              bias == null ? null : bias.data, 0);
        }
        default -> throw unsupported("qdint8 input with a " + filter.type + " filter is not supported");
      };
    } catch (IllegalArgumentException e) {
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
    long m = in.numel() / k;
    if (m > Integer.MAX_VALUE || m * (long) k > Integer.MAX_VALUE - 16) {
      throw badShape("input " + in.describe() + " is too large");
    }
    rows = (int) m;
    if (workspace == null || workspace.maxRows() < rows) {
      workspace = QuantizedRows.allocate(Math.max(rows, 1), k);
      rowZeroPoints = new int[Math.max(rows, 1)];
      rowScales = new float[Math.max(rows, 1)];
    }
  }

  @Override
  public void run() {
    if (rows == 0) {
      return;
    }
    // A quantization row may span several GEMM rows (num_nonbatch_dims > 1): each GEMM row takes
    // the parameters of the quantization row it lies in.
    long qRow = in.quantizedRowLength;
    for (int i = 0; i < rows; i++) {
      int q = (int) ((long) i * k / qRow);
      rowZeroPoints[i] = in.zeroPoints[q];
      rowScales[i] = in.scales[q];
    }
    workspace.load(rows, in.quantizedValues, 0, k, rowZeroPoints, rowScales);
    gemm.multiply(workspace, weights, out.data, 0, n, min, max);
  }
}
