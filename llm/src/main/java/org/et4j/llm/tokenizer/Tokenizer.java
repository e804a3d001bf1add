package org.et4j.llm.tokenizer;

import java.util.OptionalInt;

/**
 * Turns text into the token ids an LLM program was trained on, and back. Implementations are
 * immutable and safe to share between threads.
 *
 * <p>One implementation today: {@link HuggingFaceTokenizer} for Hugging Face {@code tokenizer.json}
 * files (byte-level BPE, as SmolLM2, Llama 3, GPT-2 and Qwen use). The interface is kept to what a
 * generation loop needs so that SentencePiece ({@code tokenizer.model} protobuf) and tiktoken
 * (base64 rank files, as ExecuTorch's {@code pytorch_tokenizers} reads) can sit behind it later;
 * neither is implemented yet.
 */
public interface Tokenizer {
  /**
   * Encodes {@code text} without adding a beginning-of-sequence token. Special tokens written in
   * the text (e.g. {@code <|im_start|>}) become their ids, as Hugging Face tokenizers do.
   *
   * @param text the text, not null
   * @return the ids
   */
  int[] encode(String text);

  /**
   * Decodes {@code ids} to text, special tokens included; bytes that do not form complete UTF-8
   * characters become U+FFFD.
   *
   * @param ids the ids
   * @return the text
   * @throws IllegalArgumentException if an id is not in the vocabulary
   */
  String decode(int[] ids);

  /** The number of ids this tokenizer can produce, added and special tokens included. */
  int vocabularySize();

  /**
   * The id of a token given by its exact text, e.g. {@code "<|im_end|>"} for an end-of-sequence id
   * named in a {@code tokenizer_config.json}.
   *
   * @param token the token's text as stored in the tokenizer file
   * @return its id, or empty if the vocabulary has no such token
   */
  OptionalInt tokenId(String token);

  /**
   * The stored text of a token (byte-level tokens in their mapped form, e.g. {@code "Ġthe"}).
   *
   * @param id the id
   * @return the token's text
   * @throws IllegalArgumentException if the id is not in the vocabulary
   */
  String token(int id);

  /**
   * Whether {@code id} is a special token (control tokens such as {@code <|im_end|>}), which a chat
   * front end usually does not print.
   *
   * @param id the id
   * @return true for a special token
   */
  boolean isSpecial(int id);

  /**
   * A decoder for a stream of ids, one at a time, as a generation loop produces them.
   *
   * @return a new decoder, to be used by one thread
   */
  default StreamingDecoder streamingDecoder() {
    return new StreamingDecoder(this);
  }
}
