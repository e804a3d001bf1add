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
    Pow.register(r);
    Neg.register(r);
    Abs.register(r);
    Sign.register(r);
    Relu.register(r);
    Sigmoid.register(r);
    Gelu.register(r);
    Hardtanh.register(r);
    Clamp.register(r);
    LeakyRelu.register(r);
    Elu.register(r);
    Glu.register(r);
    UnaryMathOps.register(r);
    Where.register(r);
    MaskedFill.register(r);
    Comparisons.register(r);
    LogicalOps.register(r);
    BitwiseOps.register(r);
    Maximum.register(r);
    Minimum.register(r);
    Remainder.register(r);
    Fmod.register(r);
    FloorDivide.register(r);
    Atan2.register(r);
  }
}
