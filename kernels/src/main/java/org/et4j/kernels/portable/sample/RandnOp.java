package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::randn.out(SymInt[] size, *, Tensor(a!) out)}: standard normal values (mean 0,
 * variance 1) drawn in double and cast to out's dtype, as ExecuTorch's {@code op_randn.cpp}
 * ({@code std::normal_distribution<double>}), but from a seeded {@link
 * java.util.SplittableRandom}'s {@code nextGaussian()} (see {@link RandomFill}): random values
 * cannot match ExecuTorch's {@code std::mt19937}, whose seed comes from {@code
 * std::random_device}.
 */
public final class RandnOp {
  static final String OP = "aten::randn.out";

  private RandnOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OP, RandomFill.kernel(OP, dtype -> random -> random.nextGaussian()));
  }
}
