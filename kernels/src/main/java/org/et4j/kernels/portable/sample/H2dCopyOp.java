package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code et_copy::_h2d_copy.out(Tensor self, *, Tensor(a!) out)}: on et4j's host-only runtime a
 * plain copy; see {@link DeviceCopy}.
 */
public final class H2dCopyOp {
  static final String OP = "et_copy::_h2d_copy.out";

  private H2dCopyOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, DeviceCopy.kernel(OP));
  }
}
