package org.et4j.kernels.portable;

import org.et4j.runtime.kernel.KernelLibrary;
import org.et4j.runtime.kernel.KernelRegistry;

/** ExecuTorch's portable operator library ({@code kernels/portable/functions.yaml}) in et4j. */
public final class PortableKernelLibrary implements KernelLibrary {
  @Override
  public String name() {
    return "portable";
  }

  @Override
  public void registerKernels(KernelRegistry.Builder registry) {
    // Each op registers itself from its own file; the list grows op by op.
    org.et4j.kernels.portable.shape.ShapeOps.registerAll(registry);
    org.et4j.kernels.portable.creation.CreationOps.registerAll(registry);
    org.et4j.kernels.portable.reduce.ReduceOps.registerAll(registry);
    org.et4j.kernels.portable.pointwise.PointwiseOps.registerAll(registry);
    org.et4j.kernels.portable.norm.NormOps.registerAll(registry);
    org.et4j.kernels.portable.sample.SampleOps.registerAll(registry);
    org.et4j.kernels.portable.nn.NnOps.registerAll(registry);
  }
}
