package org.et4j.kernels.prim;

import org.et4j.runtime.kernel.KernelLibrary;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * ExecuTorch's prim ops ({@code kernels/prim_ops/register_prim_ops.cpp}): the scalar arithmetic on
 * SymInts and SymFloats that dynamic shapes and control flow export to ({@code aten::sym_size.int},
 * {@code executorch_prim::add.Scalar}, ...), plus {@code et_view} and {@code et_copy_index}.
 * These kernels read and write Int, Double and Bool value slots; their argument lists are exactly
 * ExecuTorch's (a trailing result slot where the op returns a value, none for {@code et_view}
 * and {@code et_copy_index}).
 */
public final class PrimKernelLibrary implements KernelLibrary {
  @Override
  public String name() {
    return "prim";
  }

  @Override
  public void registerKernels(KernelRegistry.Builder registry) {
    TensorPrimOps.register(registry);
    ArithmeticPrimOps.register(registry);
    ComparisonPrimOps.register(registry);
    ConversionPrimOps.register(registry);
    SymPrimOps.register(registry);
    EtView.register(registry);
    EtCopyIndex.register(registry);
  }
}
