package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The last family of the portable library: resampling (bilinear, anti-aliased bilinear and
 * nearest upsampling, {@code grid_sampler_2d}), reflection and replication padding, the two
 * backward kernels ExecuTorch ships (convolution, max-pool; their files live with the forward ops
 * in {@code nn}, whose argument checks they share), random creation ({@code rand},
 * {@code randn}), the complex-only ops ({@code _conj_physical}, {@code view_as_real_copy}), the
 * host/device copies and {@code allclose}, as ExecuTorch's {@code op_*.cpp} of the same names.
 */
public final class SampleOps {
  private SampleOps() {}

  /** Registers every op of the family. */
  public static void registerAll(KernelRegistry.Builder r) {
    UpsampleBilinear2dOp.register(r);
    UpsampleBilinear2dAaOp.register(r);
    UpsampleNearest2dOp.register(r);
    GridSampler2dOp.register(r);
    ReflectionPad1dOp.register(r);
    ReflectionPad2dOp.register(r);
    ReflectionPad3dOp.register(r);
    ReplicationPad1dOp.register(r);
    ReplicationPad2dOp.register(r);
    ReplicationPad3dOp.register(r);
    org.et4j.kernels.portable.nn.ConvolutionBackwardOp.register(r);
    org.et4j.kernels.portable.nn.MaxPool2dWithIndicesBackwardOp.register(r);
    RandOp.register(r);
    RandnOp.register(r);
    ConjPhysicalOp.register(r);
    ViewAsRealCopyOp.register(r);
    H2dCopyOp.register(r);
    D2hCopyOp.register(r);
    AllcloseOp.register(r);
  }
}
