package org.et4j.backends.xnnpack.ops;

import java.util.Arrays;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.util.StridedCopy;

/**
 * XNNPACK's StaticTranspose node ({@code permute_copy} and the NCHW/NHWC conversions around
 * convolutions): {@code out.dims[i] = in.dims[perm[i]]}. The copy is the portable kernels'
 * strided copy, which moves contiguous runs when the innermost dim stays in place.
 */
final class StaticTransposeOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final int[] perm;
  private final long[] inStrides;
  private final long[] readStrides;
  private final int[] outDims;
  private StridedCopy copy;

  StaticTransposeOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] permutation) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    int r = in.rank();
    if (permutation.length != r || out.rank() != r) {
      throw invalid("perm " + Arrays.toString(permutation) + " does not match input " + in.describe()
          + " and output " + out.describe());
    }
    if (in.type != out.type) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in datatype");
    }
    perm = new int[r];
    boolean[] seen = new boolean[r];
    for (int i = 0; i < r; i++) {
      long p = permutation[i];
      if (p < 0 || p >= r || seen[(int) p]) {
        throw invalid("perm " + Arrays.toString(permutation) + " is not a permutation of 0.." + (r - 1));
      }
      seen[(int) p] = true;
      perm[i] = (int) p;
    }
    inStrides = new long[r];
    readStrides = new long[r];
    outDims = new int[r];
  }

  @Override
  public void reshape() {
    int r = perm.length;
    long s = 1;
    for (int i = r - 1; i >= 0; i--) {
      inStrides[i] = s;
      s *= in.dims[i];
    }
    for (int i = 0; i < r; i++) {
      outDims[i] = in.dims[perm[i]];
      readStrides[i] = inStrides[perm[i]];
    }
    out.setDims(outDims);
    copy = Floats.stridedCopy(in.type, 0, outDims, readStrides, 0, Floats.contiguousStrides(outDims));
  }

  @Override
  public void run() {
    copy.run(in.data, out.data);
  }
}
