/**
 * ExecuTorch's prim ops as their own {@link org.et4j.runtime.kernel.KernelLibrary} ({@code
 * prim}): SymInt and SymFloat arithmetic, comparisons and conversions on value slots, {@code
 * sym_size}/{@code sym_numel}/{@code _local_scalar_dense} on tensors, and the dynamic view and
 * copy-index ops the emitter inserts for dynamic shapes and {@code map}.
 */
package org.et4j.kernels.prim;
