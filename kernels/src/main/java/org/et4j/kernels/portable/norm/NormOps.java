package org.et4j.kernels.portable.norm;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The normalization family of the portable library: layer, group and batch norm, dropout, and
 * the distance ops, as ExecuTorch's {@code op_*.cpp} of the same names.
 */
public final class NormOps {
  private NormOps() {}

  /** Registers every op of the family. */
  public static void registerAll(KernelRegistry.Builder r) {
    NativeLayerNormOp.register(r);
    NativeGroupNormOp.register(r);
    NativeBatchNormOp.register(r);
    NativeDropoutOp.register(r);
    CdistForwardOp.register(r);
    PdistForwardOp.register(r);
  }
}
