package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.backends.xnnpack.XnnGraph;

/**
 * XNNPACK's StaticReshape node (view, squeeze, unsqueeze): the same bytes under new dims. One
 * entry of {@code new_shape} may be 0, the dim inferred from the element count, as XNNPACK's
 * {@code resize_copy_output_tensor}. A copy, since input and output are separate planned values.
 */
final class StaticReshapeOp extends XnnOp {
  private final XTensor in;
  private final XTensor out;
  private final int[] newShape;
  private final int inferred;

  StaticReshapeOp(XnnGraph.Node node, String where, XTensor in, XTensor out, long[] shape) {
    super(node, where, new XTensor[] {in}, new XTensor[] {out});
    this.in = in;
    this.out = out;
    if (shape.length != out.rank()) {
      throw invalid("new_shape " + Arrays.toString(shape) + " does not have the rank of the output " + out.describe());
    }
    if (in.type != out.type) {
      throw invalid("input " + in.describe() + " and output " + out.describe() + " differ in datatype");
    }
    newShape = new int[shape.length];
    int dyn = -1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] > Integer.MAX_VALUE) {
        throw invalid("new_shape " + Arrays.toString(shape) + " has a dim that is too large");
      }
      newShape[i] = (int) shape[i];
      if (shape[i] == 0) {
        if (dyn >= 0) {
          throw invalid("new_shape " + Arrays.toString(shape) + " has more than one inferred (0) dim");
        }
        dyn = i;
      }
    }
    inferred = dyn;
  }

  @Override
  public void reshape() {
    long inCount = in.numel();
    long known = 1;
    for (int i = 0; i < newShape.length; i++) {
      if (i != inferred) {
        known *= newShape[i];
      }
    }
    System.arraycopy(newShape, 0, out.dims, 0, newShape.length);
    if (inferred >= 0) {
      if (known == 0 || inCount % known != 0 || inCount / known > Integer.MAX_VALUE) {
        throw badShape("cannot infer dim " + inferred + " of " + Arrays.toString(newShape) + " from " + in.describe());
      }
      out.dims[inferred] = (int) (inCount / known);
    } else if (known != inCount) {
      throw badShape("cannot reshape " + in.describe() + " to " + Arrays.toString(newShape));
    }
  }

  @Override
  public void run() {
    MemorySegment.copy(in.data, 0, out.data, 0, in.byteSize());
  }
}
