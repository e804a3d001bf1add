package org.et4j.runtime.delegate;

import java.util.List;
import org.et4j.runtime.ScalarType;

/** The dtype, sizes and dim order a .ptd records for a named tensor. */
public record TensorLayout(ScalarType dtype, List<Integer> sizes, List<Integer> dimOrder) {
  public TensorLayout {
    sizes = List.copyOf(sizes);
    dimOrder = List.copyOf(dimOrder);
  }
}
