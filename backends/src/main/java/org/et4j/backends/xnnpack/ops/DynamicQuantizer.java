package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.qgemm.DynamicQuantization;

/**
 * The dynamic quantization a Convert to qdint8 performs (XNNPACK's {@code qd8} convert): each
 * row of the input (its last {@code num_nonbatch_dims} dims) gets its own asymmetric int8 scale
 * and zero point, computed by the kernels module's {@link DynamicQuantization} exactly as
 * XNNPACK computes them. fp16/bf16 inputs are widened to float32 first.
 */
final class DynamicQuantizer {
  private final XTensor in;
  private final XTensor out;
  private final int nonBatchDims;
  private final Float32Scratch widened;

  DynamicQuantizer(XTensor in, XTensor out, int nonBatchDims, String where, XnnGraph graph) {
    this.widened = new Float32Scratch(where, graph);
    this.in = in;
    this.out = out;
    this.nonBatchDims = Math.min(nonBatchDims, in.rank());
  }

  void reshape() {
    long n = in.numel();
    long rows = in.rows(nonBatchDims);
    long rowLength = rows == 0 ? 0 : n / rows;
    if (n > Integer.MAX_VALUE - 16 || rowLength > Integer.MAX_VALUE) {
      throw new org.et4j.runtime.ExecuTorchException(org.et4j.runtime.ErrorCode.NOT_SUPPORTED,
          "dynamic quantization of " + in.describe() + ": too many elements for one quantized buffer");
    }
    out.quantizedRowLength = rowLength;
    if (out.quantizedValues.length < n) {
      out.quantizedValues = new byte[(int) n];
    }
    if (out.zeroPoints.length < rows) {
      out.zeroPoints = new int[(int) rows];
      out.scales = new float[(int) rows];
    }
    widened.reserve(in);
  }

  void run() {
    int rows = (int) in.rows(nonBatchDims);
    int k = (int) out.quantizedRowLength;
    if (rows == 0 || k == 0) {
      return;
    }
    java.lang.foreign.MemorySegment src = widened.widen(in);
    DynamicQuantization.quantizeRows(rows, k, src, 0, k, out.quantizedValues, 0, k, out.zeroPoints, out.scales);
  }
}
