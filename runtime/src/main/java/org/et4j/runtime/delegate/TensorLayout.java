package org.et4j.runtime.delegate;

import java.util.List;
import org.et4j.runtime.ScalarType;

/**
 * The dtype, sizes and dim order a .ptd records for a named tensor.
 *
 * @param dtype the element type
 * @param sizes the size of each dimension, in elements (copied; unmodifiable)
 * @param dimOrder the dimensions from outermost to innermost in memory (copied; unmodifiable)
 */
public record TensorLayout(ScalarType dtype, List<Integer> sizes, List<Integer> dimOrder) {
  /** Copies {@code sizes} and {@code dimOrder}. */
  public TensorLayout {
    sizes = List.copyOf(sizes);
    dimOrder = List.copyOf(dimOrder);
  }
}
