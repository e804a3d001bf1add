package org.et4j.backends.xnnpack.ops;

import java.util.Arrays;
import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.kernels.util.StridedCopy;

/**
 * XNNPACK's StaticConstantPad node ({@code constant_pad_nd}): {@code out.dims[i] = pre[i] +
 * in.dims[i] + post[i]}, the border filled with {@code padding_value}.
 */
final class StaticConstantPadOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final long[] pre;
  private final long[] post;
  private final float value;
  private final int[] outDims;
  private StridedCopy copy;

  StaticConstantPadOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] pre, long[] post, float value) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    int r = in.rank();
    if (pre.length != r || post.length != r || out.rank() != r) {
      throw invalid("paddings " + Arrays.toString(pre) + " / " + Arrays.toString(post) + " do not match input "
          + in.describe() + " and output " + out.describe());
    }
    for (int i = 0; i < r; i++) {
      if (pre[i] > Integer.MAX_VALUE / 4 || post[i] > Integer.MAX_VALUE / 4) {
        throw invalid("padding of dim " + i + " is too large");
      }
    }
    if (!Floats.isFloating(in.type) || in.type != out.type) {
      throw unsupported("padding " + in.describe() + " is supported for floating values");
    }
    this.pre = pre.clone();
    this.post = post.clone();
    this.value = value;
    this.outDims = new int[r];
  }

  @Override
  public void reshape() {
    int r = in.rank();
    for (int i = 0; i < r; i++) {
      long d = pre[i] + in.dims[i] + post[i];
      if (d > Integer.MAX_VALUE) {
        throw badShape("padded dim " + i + " is too large");
      }
      outDims[i] = (int) d;
    }
    out.setDims(outDims);
    long[] os = Floats.contiguousStrides(outDims);
    long start = 0;
    for (int i = 0; i < r; i++) {
      start += pre[i] * os[i];
    }
    copy = Floats.stridedCopy(in.type, 0, in.dims, Floats.contiguousStrides(in.dims), start, os);
  }

  @Override
  public void run() {
    long n = out.numel();
    for (long i = 0; i < n; i++) {
      Floats.set(out.type, out.data, i, value);
    }
    copy.run(in.data, out.data);
  }
}
