package org.et4j.kernels.llama;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code llama::custom_sdpa.out(Tensor query, Tensor key, Tensor value, SymInt start_pos, Tensor?
 * attn_mask=None, float drpout_p=0.0, bool is_causal=False, float? scale=None, *, Tensor(a!) out)}:
 * attention of a query block over a KV cache, as ExecuTorch's {@code op_sdpa.cpp}.
 *
 * <p>Layout is sequence-first: query and out {@code [B, S, H, D]}, key and value caches {@code [B,
 * max_seq_len, H_kv, D]}. Query row {@code s} is at absolute position {@code start_pos + s}; only
 * the first {@code start_pos + S} cache positions take part. With {@code is_causal} row {@code s}
 * sees keys {@code 0 .. start_pos + s}. With a float {@code attn_mask} {@code [S, max_seq_len]}
 * every cache position takes part and the mask is added to the scaled scores (ExecuTorch 1.5's
 * semantics; mask and is_causal cannot be combined). Grouped-query attention:
 * query head {@code h} reads KV head {@code h / (H / H_kv)}. Scale defaults to {@code 1/sqrt(D)}.
 * float32 only (ExecuTorch also takes float16 and bfloat16); dropout is ignored, as ExecuTorch.
 *
 * <p>Scores, the running max and sum and the output are accumulated in float, as ExecuTorch's
 * kernel does ({@code accum_t = float}); the scores of one row live in scratch memory.
 */
public final class CustomSdpaOp {
  static final String NAME = "llama::custom_sdpa.out";

  private CustomSdpaOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 9);
      TensorImpl q = args[0].toTensor();
      TensorImpl k = args[1].toTensor();
      TensorImpl v = args[2].toTensor();
      Value startPos = args[3];
      TensorImpl mask = args[4].toOptionalTensor();
      boolean causal = args[6].toBool();
      Value scaleArg = args[7];
      TensorImpl out = args[8].toTensor();
      if (mask != null && causal) {
        throw KernelChecks.invalid(NAME, "attn_mask and is_causal cannot be set at the same time");
      }
      checkStatic(q, k, v, mask, out);
      Double fixedScale = scaleArg.isNone() ? null : scaleArg.toDouble();
      return ctx -> {
        long start = startPos.toInt();
        int seqLen = q.size(1);
        int kvLen;
        if (mask == null) {
          if (start < 0 || start + seqLen > k.size(1)) {
            throw KernelChecks.invalid(NAME, "start_pos " + start + " + seq_len " + seqLen
                + " must fit the key cache " + k.describe() + " (max_seq_len " + k.size(1) + ")");
          }
          kvLen = (int) start + seqLen;
        } else {
          // With a mask every cache position takes part; the mask says which count.
          kvLen = k.size(1);
          if (mask.dim() != 2 || mask.size(0) != seqLen || mask.size(1) != kvLen) {
            throw KernelChecks.invalid(NAME, "attn_mask " + mask.describe() + " must be [" + seqLen + ", " + kvLen + "]");
          }
        }
        try {
          out.resize(q.sizes());
        } catch (org.et4j.runtime.ExecuTorchException e) {
          throw KernelChecks.invalid(NAME, "out " + out.describe() + " cannot take the query's shape: " + e.detail());
        }
        float scale = fixedScale != null ? (float) (double) fixedScale : (float) (1.0 / Math.sqrt(q.size(3)));
        MemorySegment scores = ctx.scratch((long) kvLen * Float.BYTES);
        attend(q, k, v, mask, out, (int) start, kvLen, causal, scale, scores);
      };
    });
  }

  private static void checkStatic(TensorImpl q, TensorImpl k, TensorImpl v, TensorImpl mask, TensorImpl out) {
    if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4) {
      throw KernelChecks.invalid(NAME, "query, key and value must be 4-d but are " + KernelChecks.describe(q, k, v));
    }
    if (q.dtype() != ScalarType.FLOAT || k.dtype() != ScalarType.FLOAT || v.dtype() != ScalarType.FLOAT || out.dtype() != ScalarType.FLOAT) {
      throw KernelChecks.invalid(NAME, "query, key, value and out must be float32 but are " + KernelChecks.describe(q, k, v, out));
    }
    if (q.size(3) != k.size(3) || k.size(3) != v.size(3)) {
      throw KernelChecks.invalid(NAME, "query, key and value must have the same head size: " + KernelChecks.describe(q, k, v));
    }
    if (k.size(0) != q.size(0) || v.size(0) != q.size(0) || k.size(1) != v.size(1) || k.size(2) != v.size(2)) {
      throw KernelChecks.invalid(NAME, "key and value caches " + KernelChecks.describe(k, v) + " must match each other and the query's batch " + q.describe());
    }
    int heads = q.size(2);
    int kvHeads = k.size(2);
    if (kvHeads == 0 || kvHeads > heads || heads % kvHeads != 0) {
      throw KernelChecks.invalid(NAME, "query heads " + heads + " must be a multiple of key/value heads " + kvHeads);
    }
    if (mask != null && mask.dtype() != ScalarType.FLOAT) {
      throw KernelChecks.invalid(NAME, "attn_mask must be float32 but is " + mask.describe());
    }
    KernelChecks.contiguous(NAME, q, "query");
    KernelChecks.contiguous(NAME, k, "key");
    KernelChecks.contiguous(NAME, v, "value");
    KernelChecks.contiguous(NAME, out, "out");
    if (mask != null) {
      KernelChecks.contiguous(NAME, mask, "attn_mask");
    }
  }

  /** The attention itself, one (batch, head, query row) at a time; the reference semantics. */
  static void attend(TensorImpl q, TensorImpl k, TensorImpl v, TensorImpl mask, TensorImpl out,
      int start, int kvLen, boolean causal, float scale, MemorySegment scores) {
    int batch = q.size(0);
    int seqLen = q.size(1);
    int heads = q.size(2);
    int headDim = q.size(3);
    int cacheLen = k.size(1);
    int kvHeads = k.size(2);
    int group = heads / kvHeads;
    MemorySegment qd = q.data();
    MemorySegment kd = k.data();
    MemorySegment vd = v.data();
    MemorySegment od = out.data();
    MemorySegment md = mask == null ? null : mask.data();
    for (int b = 0; b < batch; b++) {
      for (int h = 0; h < heads; h++) {
        int kvh = h / group;
        for (int s = 0; s < seqLen; s++) {
          long qBase = (((long) b * seqLen + s) * heads + h) * headDim;
          int keys = causal ? start + s + 1 : kvLen;
          float max = Float.NEGATIVE_INFINITY;
          for (int j = 0; j < keys; j++) {
            long kBase = (((long) b * cacheLen + j) * kvHeads + kvh) * headDim;
            float dot = 0f;
            for (int d = 0; d < headDim; d++) {
              dot += qd.getAtIndex(ValueLayout.JAVA_FLOAT, qBase + d) * kd.getAtIndex(ValueLayout.JAVA_FLOAT, kBase + d);
            }
            float score = dot * scale;
            if (md != null) {
              score += md.getAtIndex(ValueLayout.JAVA_FLOAT, (long) s * kvLen + j);
            }
            scores.setAtIndex(ValueLayout.JAVA_FLOAT, j, score);
            max = Math.max(max, score);
          }
          float sum = 0f;
          for (int j = 0; j < keys; j++) {
            float e = (float) Math.exp(scores.getAtIndex(ValueLayout.JAVA_FLOAT, j) - max);
            scores.setAtIndex(ValueLayout.JAVA_FLOAT, j, e);
            sum += e;
          }
          float reciprocal = 1f / sum;
          for (int d = 0; d < headDim; d++) {
            float acc = 0f;
            for (int j = 0; j < keys; j++) {
              long vIndex = (((long) b * cacheLen + j) * kvHeads + kvh) * headDim + d;
              acc += scores.getAtIndex(ValueLayout.JAVA_FLOAT, j) * vd.getAtIndex(ValueLayout.JAVA_FLOAT, vIndex);
            }
            od.setAtIndex(ValueLayout.JAVA_FLOAT, qBase + d, acc * reciprocal);
          }
        }
      }
    }
  }
}
