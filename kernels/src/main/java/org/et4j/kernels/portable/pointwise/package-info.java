/**
 * The pointwise ops of ExecuTorch's portable library ({@code kernels/portable/cpu/op_*.cpp} for
 * arithmetic, comparisons, logical and bitwise ops, activations and unary math), indexed by
 * {@link org.et4j.kernels.portable.pointwise.PointwiseOps}.
 *
 * <p>Each op file walks ExecuTorch's steps at bind time (common dtype, checks, compute dtype) and
 * returns a call that resizes the output and computes. Computation goes through one of two
 * paths:
 *
 * <ul>
 *   <li>the generic loops of {@link org.et4j.kernels.util.ElementwiseLoops} over a
 *       {@link org.et4j.kernels.util.BroadcastIndexes} walk, for every dtype, layout and
 *       broadcast: ExecuTorch's semantics, including its float32 compute type for half types and
 *       C++ wrap-around for integers;
 *   <li>float32 fast paths for contiguous operands ({@code FloatPointwise}): a Vector API
 *       implementation and its scalar twin, the reference, chosen once by
 *       {@link org.et4j.kernels.util.VectorSupport}; add/sub/mul/div also run broadcast rows
 *       ({@code FloatBroadcastRows}).
 * </ul>
 *
 * <p>Calls rebind when an argument slot changes between executions ({@code RebindingCall}), so
 * Scalars computed at run time and tensors moved by MoveCall are seen.
 */
package org.et4j.kernels.portable.pointwise;
