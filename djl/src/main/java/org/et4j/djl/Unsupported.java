package org.et4j.djl;

/**
 * The one place that words the refusal of a DJL operation et4j's engine does not compute. DJL's own
 * adapters refuse with "does not currently support this operation" or forward the call to an
 * alternative engine; et4j has no alternative engine (it is the pure-Java one), so the refusal
 * names the method the caller used and says what the engine does compute.
 */
final class Unsupported {
  /** What {@link Et4jNDArray} computes, for the refusal messages. */
  static final String SUPPORTED =
      "creation from arrays and buffers, shape and dtype, toArray/toType, get of a contiguous block"
          + " (integer indices, one unit-step slice), reshape/flatten/squeeze/expandDims/transpose,"
          + " softmax/logSoftmax, argMax, exp, neg, add/sub/mul/div (arrays and scalars, also in"
          + " place), split and stack/concat (DJL's batchifier)";

  private Unsupported() {}

  /**
   * The exception for a DJL operation et4j's engine does not implement.
   *
   * @param method the DJL method, as {@code NDArray.gather(NDArray, int)}
   * @return an exception whose message names the method and what the engine computes
   */
  static UnsupportedOperationException operation(String method) {
    return new UnsupportedOperationException(
        "et4j's DJL engine does not implement " + method + "; it computes " + SUPPORTED);
  }
}
