package org.et4j.llm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.et4j.llm.tokenizer.StreamingDecoder;
import org.et4j.llm.tokenizer.Tokenizer;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;

/**
 * Generates tokens from an LLM program exported by ExecuTorch's LLM tooling, as ExecuTorch's
 * {@code TextLLMRunner} does: the prompt is prefilled with one {@code forward(tokens [1, S],
 * input_pos [1])} call per chunk of at most the program's sequence bound (one token per call when
 * the program has no dynamic shape), then each generated token is fed back one call at a time, the
 * KV cache living in the program's mutable buffers. Generation stops at an EOS id, at the token
 * budget, or when the context is full.
 *
 * <p>One generator holds one loaded {@code forward} and its cache: not for concurrent use. Each
 * {@link #generate} starts from position 0, so earlier calls leave nothing behind that matters (the
 * causal attention reads only positions written in the current call).
 */
public final class TextGenerator implements AutoCloseable {
  private final Program program;
  private final boolean ownsProgram;
  private final LlmMetadata metadata;
  private final Method forward;
  private int prefillChunk;

  private TextGenerator(Program program, boolean ownsProgram) {
    this.program = program;
    this.ownsProgram = ownsProgram;
    this.metadata = LlmMetadata.read(program);
    if (!metadata.useKvCache()) {
      throw new IllegalArgumentException("the program was exported without a KV cache (use_kv_cache is false); "
          + "et4j's generator drives KV-cache programs only");
    }
    this.forward = program.loadMethod("forward");
    if (forward.inputCount() != 2) {
      forward.close();
      throw new IllegalArgumentException("forward takes " + forward.inputCount()
          + " inputs; a KV-cache LLM program takes two (tokens [1, S], input_pos [1])");
    }
    int bound = forward.meta().inputs().get(0).tensor().sizes().get(1);
    this.prefillChunk = metadata.enableDynamicShape() ? Math.max(1, Math.min(bound, metadata.maxSeqLen())) : 1;
  }

  /** Loads the program at {@code pte} with {@code options} (threads, external data) and reads its metadata. */
  public static TextGenerator load(Path pte, LoadOptions options) {
    Program p = Program.load(pte, options);
    try {
      return new TextGenerator(p, true);
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Wraps an already loaded program; the caller keeps ownership and closes it after this generator. */
  public static TextGenerator of(Program program) {
    return new TextGenerator(Objects.requireNonNull(program, "program"), false);
  }

  /** Prefills at most {@code tokens} per call (1: token by token); for tests of the cache's state. */
  void limitPrefillChunk(int tokens) {
    prefillChunk = Math.max(1, Math.min(prefillChunk, tokens));
  }

  /** The most prompt tokens one prefill call takes: the program's sequence bound, or 1 without dynamic shapes. */
  public int prefillChunk() {
    return prefillChunk;
  }

  /** The program's metadata. */
  public LlmMetadata metadata() {
    return metadata;
  }

  /**
   * Generates from {@code promptIds}.
   *
   * @param promptIds the prompt, already tokenized (and chat-templated), BOS included if wanted
   * @param config the sampling and the token budget
   * @param tokenizer decodes the streamed text for {@code listener}; null streams ids with empty text
   * @param listener receives each token as it is sampled; may be null
   * @return the generated tokens and the timings
   * @throws IllegalArgumentException for an empty prompt, a prompt id outside the vocabulary, or a
   *     prompt that leaves no room in the context for a generated token
   */
  public GenerationResult generate(int[] promptIds, GenerationConfig config, Tokenizer tokenizer, TokenListener listener) {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(config, "config");
    int n = promptIds.length;
    if (n == 0) {
      throw new IllegalArgumentException("the prompt is empty; it needs at least one token");
    }
    if (n >= metadata.maxContextLen()) {
      throw new IllegalArgumentException("the prompt has " + n + " tokens but the program's context holds "
          + metadata.maxContextLen() + " (max_context_len), leaving no room to generate");
    }
    for (int i = 0; i < n; i++) {
      if (promptIds[i] < 0 || promptIds[i] >= metadata.vocabSize()) {
        throw new IllegalArgumentException("prompt token " + i + " is id " + promptIds[i]
            + ", outside the vocabulary [0, " + metadata.vocabSize() + ")");
      }
    }
    int budget = Math.min(config.maxNewTokens(), metadata.maxContextLen() - n);
    Sampler sampler = new Sampler(config, metadata.vocabSize());
    Streamer streamer = new Streamer(tokenizer, listener);

    long t0 = System.nanoTime();
    MemorySegment logits = null;
    for (int pos = 0; pos < n; pos += prefillChunk) {
      int len = Math.min(prefillChunk, n - pos);
      long[] chunk = new long[len];
      for (int i = 0; i < len; i++) {
        chunk[i] = promptIds[pos + i];
      }
      logits = step(chunk, pos);
    }
    long prefillEnd = System.nanoTime();
    int[] out = new int[budget];
    int count = 0;
    int token = sampler.sample(logits);
    out[count++] = token;
    long firstToken = System.nanoTime();
    streamer.accept(token);
    boolean eos = metadata.eosIds().contains(token);
    long[] one = new long[1];
    int pos = n;
    while (!eos && count < budget) {
      one[0] = token;
      logits = step(one, pos++);
      token = sampler.sample(logits);
      out[count++] = token;
      streamer.accept(token);
      eos = metadata.eosIds().contains(token);
    }
    long end = System.nanoTime();
    return new GenerationResult(n, Arrays.copyOf(out, count), prefillEnd - t0, firstToken - t0, end - firstToken, eos);
  }

  /** One forward call; returns the logits row of its last token (a view, valid until the next call). */
  private MemorySegment step(long[] tokens, int startPos) {
    forward.setInputs(
        EValue.from(Tensor.wrap(tokens, 1, tokens.length)), EValue.from(Tensor.wrap(new long[] {startPos}, 1)));
    forward.execute();
    if (!(forward.output(0) instanceof EValue.TensorValue(Tensor t)) || t.dtype() != ScalarType.FLOAT) {
      throw new ExecuTorchException(ErrorCode.INVALID_PROGRAM, "forward's output 0 is not a float32 logits tensor: " + forward.output(0));
    }
    long vocab = t.shapeAt(t.dim() - 1);
    if (vocab != metadata.vocabSize()) {
      throw new ExecuTorchException(ErrorCode.INVALID_PROGRAM, "forward's logits " + t.describe()
          + " do not have get_vocab_size() = " + metadata.vocabSize() + " columns");
    }
    long rows = t.numel() / vocab;
    return t.data().asSlice((rows - 1) * vocab * Float.BYTES, vocab * Float.BYTES);
  }

  @Override
  public void close() {
    forward.close();
    if (ownsProgram) {
      program.close();
    }
  }

  /** Greedy, or temperature and top-p sampling with a seeded generator. */
  static final class Sampler {
    private final GenerationConfig config;
    private final SplittableRandom random;
    private final float[] probs;
    private final Integer[] order;

    Sampler(GenerationConfig config, int vocab) {
      this.config = config;
      this.random = new SplittableRandom(config.seed());
      this.probs = config.temperature() == 0 ? null : new float[vocab];
      this.order = config.temperature() == 0 || config.topP() >= 1 ? null : new Integer[vocab];
    }

    int sample(MemorySegment logits) {
      int vocab = (int) (logits.byteSize() / Float.BYTES);
      if (probs == null) {
        return argmax(logits, vocab);
      }
      float max = Float.NEGATIVE_INFINITY;
      for (int i = 0; i < vocab; i++) {
        max = Math.max(max, logits.getAtIndex(ValueLayout.JAVA_FLOAT, i));
      }
      double sum = 0;
      for (int i = 0; i < vocab; i++) {
        float p = (float) Math.exp((logits.getAtIndex(ValueLayout.JAVA_FLOAT, i) - max) / config.temperature());
        probs[i] = p;
        sum += p;
      }
      double u = random.nextDouble();
      if (order == null) {
        double target = u * sum;
        double acc = 0;
        for (int i = 0; i < vocab; i++) {
          acc += probs[i];
          if (acc > target) {
            return i;
          }
        }
        return vocab - 1;
      }
      // Nucleus: the most probable tokens until their mass reaches top_p, renormalized.
      for (int i = 0; i < vocab; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Float.compare(probs[b], probs[a]));
      double cutoff = config.topP() * sum;
      double kept = 0;
      int last = 0;
      for (; last < vocab; last++) {
        kept += probs[order[last]];
        if (kept >= cutoff) {
          break;
        }
      }
      double target = u * kept;
      double acc = 0;
      for (int i = 0; i <= Math.min(last, vocab - 1); i++) {
        acc += probs[order[i]];
        if (acc > target) {
          return order[i];
        }
      }
      return order[Math.min(last, vocab - 1)];
    }

    /** The first index of the largest logit, as ExecuTorch's sampler (ties go to the lower id). */
    static int argmax(MemorySegment logits, int vocab) {
      int best = 0;
      float bestValue = logits.getAtIndex(ValueLayout.JAVA_FLOAT, 0);
      for (int i = 1; i < vocab; i++) {
        float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, i);
        if (v > bestValue) {
          best = i;
          bestValue = v;
        }
      }
      return best;
    }
  }

  /** Streams each token's text: the decoded growth of the generated text, held back while a character is incomplete. */
  /** Hands each sampled token to the listener with the text it completes (the tokenizer's streaming decode). */
  private static final class Streamer {
    private final StreamingDecoder decoder;
    private final TokenListener listener;

    Streamer(Tokenizer tokenizer, TokenListener listener) {
      this.decoder = tokenizer == null || listener == null ? null : tokenizer.streamingDecoder();
      this.listener = listener;
    }

    void accept(int id) {
      if (listener != null) {
        listener.onToken(id, decoder == null ? "" : decoder.next(id));
      }
    }
  }
}
