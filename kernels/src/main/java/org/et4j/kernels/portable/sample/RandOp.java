package org.et4j.kernels.portable.sample;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code aten::rand.out(SymInt[] size, *, Tensor(a!) out)}: uniform values in [0, 1), as
 * ExecuTorch's {@code op_rand.cpp} but from a seeded {@link java.util.SplittableRandom} (see
 * {@link RandomFill}): random values cannot match ExecuTorch's {@code std::mt19937}, whose seed
 * comes from {@code std::random_device}. Each value is drawn on the grid of out's precision
 * ({@code k / 2^24} for float32, {@code k / 2^11} for float16, {@code k / 2^8} for bfloat16,
 * {@code nextDouble()} for float64), as PyTorch's {@code rand} does, so that rounding never
 * produces 1.0 (ExecuTorch casts a double draw, which can round up to 1.0 in float32).
 */
public final class RandOp {
  static final String OP = "aten::rand.out";

  private RandOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        RandomFill.kernel(
            OP,
            dtype ->
                switch (dtype) {
                  case DOUBLE -> random -> random.nextDouble();
                  case HALF -> random -> random.nextInt(1 << 11) * 0x1p-11;
                  case BFLOAT16 -> random -> random.nextInt(1 << 8) * 0x1p-8;
                  default -> random -> random.nextInt(1 << 24) * 0x1p-24;
                }));
  }
}
