package org.et4j.spark;

/**
 * How rows become executions of the program's method.
 *
 * <p>Every tensor input and output is taken to have the batch as its first dimension, unless the
 * batching is {@link #NONE}.
 */
public enum Batching {
  /**
   * The inputs are dynamic-bound in their first dimension: each execution takes a whole batch of
   * up to {@link Et4jScorer.Builder#batchSize(int) batchSize} rows of a partition (at most the
   * program's bound); the last batch of a partition is smaller. The default for such programs.
   */
  DYNAMIC,
  /**
   * The inputs have a fixed first dimension {@code B}: each execution takes exactly {@code B}
   * rows; the last batch of a partition is padded with zero rows whose outputs are dropped. With
   * {@code B = 1} rows are fed one at a time. The default for static-shape programs.
   */
  STATIC,
  /**
   * No batch dimension: one row is the whole of each input tensor, and each output tensor is one
   * row's result. One execution per row.
   */
  NONE
}
