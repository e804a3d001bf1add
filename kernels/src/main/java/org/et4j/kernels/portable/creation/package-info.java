/**
 * Creation kernels of ExecuTorch's portable library ({@code full}, {@code zeros}, {@code ones},
 * {@code empty}, {@code arange}, {@code fill}, {@code scalar_tensor}, {@code _empty_dim_order}):
 * tensors made from sizes and values. Scalar fill values must fit the output dtype, as
 * ExecuTorch's {@code check_overflow_scalar_cast} requires. {@link
 * org.et4j.kernels.portable.creation.CreationOps} registers them all.
 */
package org.et4j.kernels.portable.creation;
