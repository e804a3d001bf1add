package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.util.StridedCopy;

/**
 * XNNPACK's Concatenate2..5 nodes ({@code cat}; the partitioner splits longer lists): the inputs
 * side by side along {@code axis}, every other dim equal.
 */
final class ConcatenateOp extends XnnOp {
  private final XTensor[] parts;
  private final XTensor out;
  private final int axis;
  private final StridedCopy[] copies;

  ConcatenateOp(XnnGraph.Node node, String where, XTensor[] parts, XTensor out, long axis) {
    super(node, where, parts, new XTensor[] {out});
    this.parts = parts;
    this.out = out;
    int r = out.rank();
    if (axis < 0 || axis >= r) {
      throw invalid("axis " + axis + " outside the output's " + r + " dims");
    }
    this.axis = (int) axis;
    for (XTensor p : parts) {
      if (p.rank() != r || p.type != out.type) {
        throw invalid("input " + p.describe() + " does not match the output " + out.describe() + " in rank or datatype");
      }
    }
    copies = new StridedCopy[parts.length];
  }

  @Override
  public void reshape() {
    int r = out.rank();
    long total = 0;
    for (XTensor p : parts) {
      for (int d = 0; d < r; d++) {
        if (d != axis && p.dims[d] != parts[0].dims[d]) {
          throw badShape("inputs " + parts[0].describe() + " and " + p.describe() + " differ outside axis " + axis);
        }
      }
      total += p.dims[axis];
    }
    if (total > Integer.MAX_VALUE) {
      throw badShape("concatenated dim is too large");
    }
    System.arraycopy(parts[0].dims, 0, out.dims, 0, r);
    out.dims[axis] = (int) total;
    long[] outStrides = Floats.contiguousStrides(out.dims);
    long offset = 0;
    for (int i = 0; i < parts.length; i++) {
      XTensor p = parts[i];
      copies[i] = Floats.stridedCopy(p.type, 0, p.dims, Floats.contiguousStrides(p.dims), offset * outStrides[axis], outStrides);
      offset += p.dims[axis];
    }
  }

  @Override
  public void run() {
    for (int i = 0; i < parts.length; i++) {
      copies[i].run(parts[i].data, out.data);
    }
  }
}
