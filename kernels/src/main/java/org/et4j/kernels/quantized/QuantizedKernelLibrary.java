package org.et4j.kernels.quantized;

import org.et4j.runtime.kernel.KernelLibrary;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * ExecuTorch's quantized operator library ({@code kernels/quantized/quantized.yaml}, the
 * {@code quantized_decomposed::} namespace) in et4j: quantize / dequantize per tensor, channel and
 * token, parameter choice, quantized embeddings, mixed-precision matmuls and quantized add.
 */
public final class QuantizedKernelLibrary implements KernelLibrary {
  @Override
  public String name() {
    return "quantized";
  }

  @Override
  public void registerKernels(KernelRegistry.Builder registry) {
    QuantizePerTensorOp.register(registry);
    DequantizePerTensorOp.register(registry);
    QuantizePerChannelOp.register(registry);
    DequantizePerChannelOp.register(registry);
    QuantizePerTokenOp.register(registry);
    DequantizePerTokenOp.register(registry);
    ChooseQparamsOp.register(registry);
    EmbeddingByteOp.register(registry);
    Embedding2bitOp.register(registry);
    Embedding4bitOp.register(registry);
    MixedMmOp.register(registry);
    MixedLinearOp.register(registry);
    AddOp.register(registry);
  }
}
