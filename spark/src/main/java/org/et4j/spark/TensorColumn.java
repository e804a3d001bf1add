package org.et4j.spark;

import java.io.Serializable;
import java.util.Arrays;
import org.et4j.runtime.ScalarType;

/**
 * One tensor of the method bound to one column: which input or output of the method it is, its
 * dtype, and the shape of one row's slice of it (the tensor's shape without the batch dimension,
 * or the whole shape for {@link Batching#NONE}).
 *
 * @param column the column's name
 * @param index the method's input or output index
 * @param dtype the tensor's element type
 * @param rowShape the shape of one row's elements, row-major
 */
record TensorColumn(String column, int index, ScalarType dtype, long[] rowShape) implements Serializable {
  TensorColumn {
    rowShape = rowShape.clone();
  }

  /** Elements in one row. */
  int rowElements() {
    long n = 1;
    for (long d : rowShape) {
      n = Math.multiplyExact(n, d);
    }
    return Math.toIntExact(n);
  }

  /** {@code float32 [12, 6]}, for messages. */
  String describe() {
    return dtype.displayName() + " " + Arrays.toString(rowShape);
  }
}
