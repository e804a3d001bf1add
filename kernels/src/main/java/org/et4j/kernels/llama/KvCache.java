package org.et4j.kernels.llama;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * What the cache ops share: a cache is {@code [batch, max_seq_len, heads, head_dim]} and a value
 * written into it is {@code [batch, seq_len, heads, head_dim]}, both contiguous, so one position of
 * one batch line is {@code heads * head_dim} consecutive elements.
 */
final class KvCache {
  private KvCache() {}

  /** ExecuTorch's shape, dtype and layout checks of a value against its cache. */
  static void checkValueAndCache(String op, TensorImpl value, TensorImpl cache) {
    if (cache.dim() != 4) {
      throw KernelChecks.invalid(op, "cache must be a 4-d tensor but is " + cache.describe());
    }
    if (value.dim() != 4) {
      throw KernelChecks.invalid(op, "value must be a 4-d tensor but is " + value.describe());
    }
    for (int d = 0; d < 4; d += d == 0 ? 2 : 1) { // dims 0, 2 and 3
      if (value.size(d) != cache.size(d)) {
        throw KernelChecks.invalid(op, "value " + value.describe() + " and cache " + cache.describe()
            + " must have the same size in dim " + d + " (batch, heads, head_dim)");
      }
    }
    if (value.dtype() != cache.dtype()) {
      throw KernelChecks.invalid(op, "value " + value.describe() + " and cache " + cache.describe() + " must have the same dtype");
    }
    KernelChecks.contiguous(op, cache, "cache");
    KernelChecks.contiguous(op, value, "value");
  }

  /** Copies position {@code from} of {@code value}'s batch line {@code b} to position {@code to} of the cache. */
  static void copyPositions(TensorImpl value, TensorImpl cache, int b, long from, long to, long count) {
    long elem = value.dtype().elementSize();
    long rowBytes = (long) value.size(2) * value.size(3) * elem;
    long src = ((long) b * value.size(1) + from) * rowBytes;
    long dst = ((long) b * cache.size(1) + to) * rowBytes;
    MemorySegment.copy(value.data(), src, cache.data(), dst, count * rowBytes);
  }
}
