package org.et4j.kernels.quantized;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code quantized_decomposed::embedding_4bit.out(Tensor weight, Tensor weight_scales, Tensor?
 * weight_zero_points, int weight_quant_min, int weight_quant_max, Tensor indices, *, Tensor(a!)
 * out)} and {@code embedding_4bit.dtype_out} (with {@code ScalarType? dtype} before the out): 4-bit
 * quantized embedding lookup. See {@link Embedding}.
 */
public final class Embedding4bitOp {
  static final String NAME = "quantized_decomposed::embedding_4bit";

  private Embedding4bitOp() {}

  public static void register(KernelRegistry.Builder r) {
    Embedding.register(r, NAME, 4);
  }
}
