/**
 * Dynamically quantized matrix products: float32 activations quantized per row to int8 (XNNPACK's
 * {@code qd8}), multiplied by int8 per-channel ({@code qc8w}), int4 per-channel ({@code qc4w}) or
 * int4 blockwise ({@code qb4w}) weights as integer dot products, with the scales applied once per
 * output. Weights are packed once (with their column sums); execute allocates nothing.
 */
package org.et4j.kernels.qgemm;
