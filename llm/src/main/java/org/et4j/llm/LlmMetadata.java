package org.et4j.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;

/**
 * What an LLM program says about itself through the constant methods ExecuTorch's LLM exporter
 * adds ({@code get_max_seq_len}, {@code get_max_context_len}, {@code use_kv_cache}, {@code
 * enable_dynamic_shape}, {@code get_eos_ids}, {@code get_bos_id}, {@code get_vocab_size}), read
 * the way ExecuTorch's {@code TextLLMRunner} reads them.
 *
 * @param maxSeqLen the most tokens one forward call takes (the prefill chunk)
 * @param maxContextLen the most positions the KV cache holds
 * @param useKvCache whether forward keeps a KV cache in its mutable buffers
 * @param enableDynamicShape whether forward takes more than one token per call
 * @param eosIds the ids that end generation (empty when the program names none)
 * @param bosId the beginning-of-sequence id, or -1 when the program names none
 * @param vocabSize the logits' width
 */
public record LlmMetadata(
    int maxSeqLen, int maxContextLen, boolean useKvCache, boolean enableDynamicShape, Set<Integer> eosIds, int bosId,
    int vocabSize) {
  /** The methods without which et4j cannot drive a program as an LLM. */
  static final List<String> REQUIRED = List.of("forward", "get_max_seq_len", "get_vocab_size");

  /** Copies {@code eosIds}. */
  public LlmMetadata {
    eosIds = Set.copyOf(eosIds);
  }

  /**
   * Reads the metadata methods of {@code program}; absent optional ones take ExecuTorch's runner
   * defaults (context = max_seq_len, KV cache on, dynamic shape off, no BOS, no EOS).
   *
   * @throws IllegalArgumentException when the program lacks {@code forward}, {@code
   *     get_max_seq_len} or {@code get_vocab_size} (it was not exported as an LLM), naming the
   *     missing ones and the methods it has
   */
  public static LlmMetadata read(Program program) {
    List<String> names = program.methodNames();
    List<String> missing = new ArrayList<>();
    for (String r : REQUIRED) {
      if (!names.contains(r)) {
        missing.add(r);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("not an LLM program: it has no " + String.join(", ", missing)
          + " method (ExecuTorch's LLM exporter adds them); its methods are " + names);
    }
    int maxSeqLen = (int) integer(program, "get_max_seq_len", 128);
    int maxContextLen = (int) integer(program, "get_max_context_len", maxSeqLen);
    boolean kv = integer(program, "use_kv_cache", 1) != 0;
    boolean dynamic = integer(program, "enable_dynamic_shape", 0) != 0;
    int bos = (int) integer(program, "get_bos_id", -1);
    int vocab = (int) integer(program, "get_vocab_size", -1);
    java.util.LinkedHashSet<Integer> eos = new java.util.LinkedHashSet<>();
    if (names.contains("get_eos_ids")) {
      for (EValue v : run(program, "get_eos_ids")) {
        eos.add((int) asLong("get_eos_ids", v));
      }
    } else if (names.contains("get_eos_id")) {
      eos.add((int) integer(program, "get_eos_id", -1));
    }
    if (maxSeqLen <= 0 || maxContextLen <= 0 || vocab <= 0) {
      throw new IllegalArgumentException("LLM program metadata out of range: max_seq_len " + maxSeqLen
          + ", max_context_len " + maxContextLen + ", vocab_size " + vocab);
    }
    return new LlmMetadata(maxSeqLen, maxContextLen, kv, dynamic, eos, bos, vocab);
  }

  private static long integer(Program program, String method, long fallback) {
    if (!program.methodNames().contains(method)) {
      return fallback;
    }
    List<EValue> out = run(program, method);
    if (out.size() != 1) {
      throw new IllegalArgumentException("metadata method " + method + " returns " + out.size() + " values, not one");
    }
    return asLong(method, out.get(0));
  }

  private static List<EValue> run(Program program, String name) {
    try (Method m = program.loadMethod(name)) {
      m.execute();
      List<EValue> out = new ArrayList<>();
      for (int i = 0; i < m.outputCount(); i++) {
        out.add(m.outputCopy(i));
      }
      return out;
    }
  }

  private static long asLong(String method, EValue v) {
    return switch (v) {
      case EValue.Int i -> i.value();
      case EValue.Bool b -> b.value() ? 1 : 0;
      default -> throw new IllegalArgumentException("metadata method " + method + " returns " + v + ", not an int");
    };
  }
}
