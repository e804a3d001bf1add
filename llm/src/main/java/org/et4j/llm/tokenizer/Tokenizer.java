package org.et4j.llm.tokenizer;

/**
 * Turns text into the token ids an LLM program was trained on, and back. Implementations are
 * immutable and safe to share between threads.
 */
public interface Tokenizer {
  /** Encodes {@code text} without adding a beginning-of-sequence token. */
  int[] encode(String text);

  /** Decodes {@code ids} to text; ids that are not in the vocabulary throw. */
  String decode(int[] ids);

  /** The number of ids this tokenizer can produce, added and special tokens included. */
  int vocabularySize();
}
