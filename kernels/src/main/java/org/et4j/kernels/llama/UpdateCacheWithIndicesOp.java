package org.et4j.kernels.llama;

import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code llama::update_cache_with_indices.out(Tensor value, Tensor(a!) cache, SymInt start_pos,
 * Tensor indices, *, Tensor(b!) out)}: like {@link UpdateCacheOp} but position {@code s} of batch
 * line {@code b} goes to cache position {@code indices[b, s]} (ring-buffer and attention-sink
 * caches); {@code start_pos} is unused.
 */
public final class UpdateCacheWithIndicesOp {
  static final String NAME = "llama::update_cache_with_indices.out";

  private UpdateCacheWithIndicesOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 5);
      TensorImpl value = args[0].toTensor();
      TensorImpl cache = args[1].toTensor();
      TensorImpl indices = args[3].toTensor();
      args[4].toTensor();
      return ctx -> {
        KvCache.checkValueAndCache(NAME, value, cache);
        if (indices.dim() != 2 || indices.size(0) != value.size(0) || indices.size(1) != value.size(1)) {
          throw KernelChecks.invalid(NAME, "indices " + indices.describe() + " must be [batch, seq_len] of value " + value.describe());
        }
        if (indices.dtype() != ScalarType.LONG) {
          throw KernelChecks.invalid(NAME, "indices " + indices.describe() + " must be int64");
        }
        KernelChecks.contiguous(NAME, indices, "indices");
        int seqLen = value.size(1);
        for (int b = 0; b < value.size(0); b++) {
          for (int s = 0; s < seqLen; s++) {
            long target = indices.data().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, (long) b * seqLen + s);
            if (target < 0 || target >= cache.size(1)) {
              throw KernelChecks.invalid(NAME, "index " + target + " at [" + b + ", " + s + "] is out of [0, " + cache.size(1) + ") for cache " + cache.describe());
            }
            KvCache.copyPositions(value, cache, b, s, target, 1);
          }
        }
      };
    });
  }
}
