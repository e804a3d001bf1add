package org.et4j.backends.xnnpack.ops;

import java.util.Arrays;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.util.StridedCopy;

/**
 * XNNPACK's StaticSlice node ({@code slice_copy}): per dim an offset and a size, turned into
 * begin and end as {@code xnn_define_static_slice_v2} does ({@code end = offset + size}; an end of
 * 0 means "to the end of the dim"), then clipped to the input's current dims as XNNPACK's
 * reshape clips them.
 */
final class StaticSliceOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final long[] begins;
  private final long[] ends;
  private final int[] outDims;
  private StridedCopy copy;

  StaticSliceOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] offsets, long[] sizes) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    int r = in.rank();
    if (offsets.length != r || sizes.length != r || out.rank() != r) {
      throw invalid("offsets " + Arrays.toString(offsets) + " and sizes " + Arrays.toString(sizes)
          + " do not match input " + in.describe() + " and output " + out.describe());
    }
    if (in.type != out.type) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in datatype");
    }
    begins = offsets.clone();
    ends = new long[r];
    for (int i = 0; i < r; i++) {
      ends[i] = offsets[i] + sizes[i];
    }
    outDims = new int[r];
  }

  @Override
  public void reshape() {
    int r = in.rank();
    long[] strides = Floats.contiguousStrides(in.dims);
    long start = 0;
    for (int i = 0; i < r; i++) {
      long dim = in.dims[i];
      long offset = Math.min(begins[i], dim);
      long size = ends[i] <= 0 ? Math.max(0, dim - offset) : Math.max(0, ends[i] - offset);
      size = Math.min(size, Math.max(0, dim - offset));
      outDims[i] = (int) size;
      start += offset * strides[i];
    }
    out.setDims(outDims);
    copy = Floats.stridedCopy(in.type, start, outDims, strides, 0, Floats.contiguousStrides(outDims));
  }

  @Override
  public void run() {
    copy.run(in.data, out.data);
  }
}
