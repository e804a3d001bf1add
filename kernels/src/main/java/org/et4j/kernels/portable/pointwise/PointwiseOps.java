package org.et4j.kernels.portable.pointwise;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The pointwise (elementwise) ops of ExecuTorch's portable library: arithmetic, comparisons,
 * logical and bitwise ops, activations and unary math. Each op registers itself from its own file.
 */
public final class PointwiseOps {
  private PointwiseOps() {}

  /** Registers every pointwise op. */
  public static void registerAll(KernelRegistry.Builder r) {
    Add.register(r);
    Sub.register(r);
    Rsub.register(r);
    Mul.register(r);
    Div.register(r);
  }
}
