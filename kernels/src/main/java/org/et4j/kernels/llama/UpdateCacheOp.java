package org.et4j.kernels.llama;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code llama::update_cache.out(Tensor value, Tensor(a!) cache, SymInt start_pos, *, Tensor(b!)
 * out)}: writes {@code value} {@code [B, S, H, D]} into {@code cache} {@code [B, max_seq_len, H,
 * D]} at positions {@code start_pos .. start_pos + S - 1} of every batch line, in place. The out
 * tensor is a placeholder ExecuTorch never writes.
 *
 * <p>{@code start_pos} is a symbolic int computed by the program on every call (the decode
 * position), so it is read per execution, never at prepare.
 */
public final class UpdateCacheOp {
  static final String NAME = "llama::update_cache.out";

  private UpdateCacheOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 4);
      TensorImpl value = args[0].toTensor();
      TensorImpl cache = args[1].toTensor();
      Value startPos = args[2];
      args[3].toTensor();
      return ctx -> {
        KvCache.checkValueAndCache(NAME, value, cache);
        long start = startPos.toInt();
        int seqLen = value.size(1);
        if (start < 0 || start >= cache.size(1)) {
          throw KernelChecks.invalid(NAME, "start_pos " + start + " must be in [0, " + cache.size(1) + ") for cache " + cache.describe());
        }
        if (start + seqLen > cache.size(1)) {
          throw KernelChecks.invalid(NAME, "start_pos " + start + " + seq_len " + seqLen
              + " exceeds the cache's max_seq_len " + cache.size(1) + " (" + cache.describe() + ")");
        }
        for (int b = 0; b < value.size(0); b++) {
          KvCache.copyPositions(value, cache, b, 0, start, seqLen);
        }
      };
    });
  }
}
