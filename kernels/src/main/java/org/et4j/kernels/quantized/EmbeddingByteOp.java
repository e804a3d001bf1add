package org.et4j.kernels.quantized;

import org.et4j.runtime.kernel.KernelRegistry;

/**
 * {@code quantized_decomposed::embedding_byte.out(Tensor weight, Tensor weight_scales, Tensor?
 * weight_zero_points, int weight_quant_min, int weight_quant_max, Tensor indices, *, Tensor(a!)
 * out)} and {@code embedding_byte.dtype_out} (with {@code ScalarType? dtype} before the out): 8-bit (uint8 or int8 weights)
 * quantized embedding lookup. See {@link Embedding}.
 */
public final class EmbeddingByteOp {
  static final String NAME = "quantized_decomposed::embedding_byte";

  private EmbeddingByteOp() {}

  public static void register(KernelRegistry.Builder r) {
    Embedding.register(r, NAME, 8);
  }
}
