package org.et4j.kernels.portable.reduce;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * The reduction family of the portable library: sums, means, extrema, arg-extrema, any, prod,
 * variance, cumulative sum, top-k and (log-)softmax, as ExecuTorch's {@code op_*.cpp} of the same
 * names.
 */
public final class ReduceOps {
  private ReduceOps() {}

  /** Registers every op of the family. */
  public static void registerAll(KernelRegistry.Builder r) {
    SumOp.register(r);
    MeanOp.register(r);
    AmaxOp.register(r);
    AminOp.register(r);
    ArgmaxOp.register(r);
    ArgminOp.register(r);
    MaxOp.register(r);
    MinOp.register(r);
    AnyOp.register(r);
    ProdOp.register(r);
    VarOp.register(r);
    VarMeanOp.register(r);
    CumsumOp.register(r);
    TopkOp.register(r);
    SoftmaxOp.register(r);
    LogSoftmaxOp.register(r);
  }
}
