package org.et4j.kernels.portable.nn;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The matrix and spatial ops of the portable library: {@code mm}, {@code bmm}, {@code addmm},
 * {@code linear} (a name of ExecuTorch's optimized library), {@code convolution} and the 2-D
 * pools. The float32 matrix work of all of them goes through {@link org.et4j.kernels.gemm.Sgemm};
 * other dtypes take ExecuTorch's element-by-element definitions.
 */
public final class NnOps {
  private NnOps() {}

  /** Registers every op of the family. */
  public static void registerAll(KernelRegistry.Builder r) {
    MmOp.register(r);
    BmmOp.register(r);
    AddmmOp.register(r);
    LinearOp.register(r);
    ConvolutionOp.register(r);
    AvgPool2dOp.register(r);
    MaxPool2dWithIndicesOp.register(r);
    AdaptiveAvgPool2dOp.register(r);
  }
}
