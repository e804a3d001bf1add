package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::replication_pad3d.out(Tensor self, SymInt[6] padding, *, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_replication_pad3d.cpp}; see {@link PaddingNd} for the rules.
 */
public final class ReplicationPad3dOp {
  static final String OP = "aten::replication_pad3d.out";

  private ReplicationPad3dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, PaddingNd.kernel(OP, 3, false));
  }
}
