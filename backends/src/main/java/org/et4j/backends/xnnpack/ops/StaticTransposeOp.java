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
  // When the permutation swaps two adjacent groups of dims (NCHW <-> NHWC: [N][C][HW] <-> [N][HW][C]),
  // the copy is a batch of 2-D transposes, done in cache-sized tiles instead of element moves.
  private long batch;
  private int rowsA;
  private int colsB;

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
    batch = 0;
    if (in.type.elementSize() == 4) {
      // perm = [0..p-1, q..r-1, p..q-1] with p < q < r = rank: batch dims, then group B, then group A.
      int p = 0;
      while (p < r && perm[p] == p) {
        p++;
      }
      if (p < r) {
        int q = perm[p];
        boolean swap = q > p;
        for (int i = p; i < r && swap; i++) {
          int expected = i - p < r - q ? q + (i - p) : p + (i - p - (r - q));
          swap = perm[i] == expected;
        }
        if (swap) {
          long b = 1;
          long a = 1;
          long c = 1;
          for (int i = 0; i < p; i++) {
            b *= in.dims[i];
          }
          for (int i = p; i < q; i++) {
            a *= in.dims[i];
          }
          for (int i = q; i < r; i++) {
            c *= in.dims[i];
          }
          if (a <= Integer.MAX_VALUE && c <= Integer.MAX_VALUE && a > 1 && c > 1) {
            batch = b;
            rowsA = (int) a;
            colsB = (int) c;
          }
        }
      }
    }
  }

  @Override
  public void run() {
    if (batch > 0) {
      transposeBatches();
    } else {
      copy.run(in.data, out.data);
    }
  }

  private static final int TILE = 32;

  /** out[b][j][i] = in[b][i][j] for i < rowsA, j < colsB, over 4-byte elements, tile by tile. */
  private void transposeBatches() {
    java.lang.foreign.MemorySegment src = in.data;
    java.lang.foreign.MemorySegment dst = out.data;
    long plane = (long) rowsA * colsB;
    for (long b = 0; b < batch; b++) {
      long base = b * plane;
      for (int i0 = 0; i0 < rowsA; i0 += TILE) {
        int i1 = Math.min(rowsA, i0 + TILE);
        for (int j0 = 0; j0 < colsB; j0 += TILE) {
          int j1 = Math.min(colsB, j0 + TILE);
          for (int i = i0; i < i1; i++) {
            long from = base + (long) i * colsB;
            for (int j = j0; j < j1; j++) {
              dst.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, base + (long) j * rowsA + i,
                  src.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, from + j));
            }
          }
        }
      }
    }
  }
}
