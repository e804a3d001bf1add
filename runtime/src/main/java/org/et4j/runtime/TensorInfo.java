package org.et4j.runtime;

import java.util.List;

/**
 * What a program says about one tensor before anything is allocated (part of ExecuTorch's
 * {@code MethodMeta}).
 *
 * @param dtype element type
 * @param sizes sizes as serialized; for a DYNAMIC_BOUND tensor, the upper bound
 * @param dimOrder storage order of the dimensions, outermost first
 * @param dynamism whether the shape may change at run time
 * @param memoryPlanned true when the tensor lives in planned memory (has allocation info)
 * @param nbytes bytes of the serialized shape
 */
public record TensorInfo(
    ScalarType dtype,
    List<Integer> sizes,
    List<Integer> dimOrder,
    ShapeDynamism dynamism,
    boolean memoryPlanned,
    long nbytes) {
  /** Copies {@code sizes} and {@code dimOrder}. */
  public TensorInfo {
    sizes = List.copyOf(sizes);
    dimOrder = List.copyOf(dimOrder);
  }

  /**
   * {@code float32[1, 3, 224, 224]}.
   *
   * @return the dtype and sizes, for messages
   */
  public String describe() {
    return dtype.displayName() + sizes;
  }
}
