package org.et4j.kernels.llama;

import org.et4j.runtime.kernel.KernelLibrary;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * ExecuTorch's LLM custom operators ({@code extension/llm/custom_ops}, the {@code llama::}
 * namespace) in et4j: the ops ExecuTorch's LLM exporter emits for a KV-cache transformer, the cache
 * update and the attention over the cache.
 */
public final class LlamaKernelLibrary implements KernelLibrary {
  @Override
  public String name() {
    return "llama";
  }

  @Override
  public void registerKernels(KernelRegistry.Builder registry) {
    UpdateCacheOp.register(registry);
    UpdateCacheWithIndicesOp.register(registry);
    CustomSdpaOp.register(registry);
  }
}
