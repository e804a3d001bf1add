/**
 * Shape, copy and indexing kernels of ExecuTorch's portable library: ops that move elements
 * without arithmetic. {@link org.et4j.kernels.portable.shape.ShapeOps} registers them all.
 *
 * <p>Most ops here are "a strided view of the input, materialized into out": the op file computes
 * the view (sizes, offset and strides over the input's storage) and {@code ViewCopy} resizes out
 * and runs a {@link org.et4j.kernels.util.StridedCopy}, which honors both tensors' dim orders and
 * turns contiguous stretches into bulk moves. Concatenation and splitting are several such copies;
 * gathers and scatters walk an index tensor ({@code AdvancedIndex}, {@code GatherScatter}).
 * Plans depend only on shapes and SymInt arguments and are redone when those change ({@link
 * org.et4j.kernels.util.PlannedCall}); index values are re-read on every execution.
 *
 * <p>Where et4j differs from ExecuTorch on purpose: view-like ops honor the dim order of input and
 * output instead of requiring them to match, and a few ops take more than ExecuTorch's (negative
 * pads in {@code constant_pad_nd}, any index layout in {@code index_put_}, int32 indices in
 * gather and scatter).
 */
package org.et4j.kernels.portable.shape;
