package org.et4j.kernels.portable.creation;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The creation family of ExecuTorch's portable kernels: ops that make a tensor from sizes and
 * values rather than from other tensors' elements ({@code full}, {@code zeros}, {@code arange},
 * {@code fill}, ...).
 */
public final class CreationOps {
  private CreationOps() {}

  public static void registerAll(KernelRegistry.Builder r) {
    FullOp.register(r);
    FullLike.register(r);
    ZerosOp.register(r);
    OnesOp.register(r);
    EmptyOp.register(r);
    EmptyDimOrder.register(r);
    ScalarTensor.register(r);
    ArangeOp.register(r);
    FillOp.register(r);
  }
}
