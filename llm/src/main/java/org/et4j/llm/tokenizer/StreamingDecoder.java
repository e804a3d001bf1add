package org.et4j.llm.tokenizer;

import java.util.Arrays;

/**
 * Decodes ids one at a time, returning the text each id completes: {@code ""} while a multi-byte
 * UTF-8 character is still incomplete (an emoji split over byte tokens), the whole character once
 * its last byte arrives. This is Hugging Face's {@code DecodeStream}: it decodes a short window of
 * recent ids and emits the part beyond the text already emitted, so decoders that look at
 * neighbouring tokens stay right.
 *
 * <p>Not thread-safe: one decoder per generation.
 */
public final class StreamingDecoder {
  /** A UTF-8 character spans at most four byte tokens; beyond that, U+FFFD is final. */
  private static final int MAX_PENDING = 4;

  private final Tokenizer tokenizer;
  private int[] window = new int[8];
  private int size;
  private int prefixIndex;
  private String prefix = "";

  StreamingDecoder(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * Feeds one id.
   *
   * @param id the next id
   * @return the text this id completes, possibly empty
   * @throws IllegalArgumentException if the id is not in the vocabulary
   */
  public String next(int id) {
    if (size == window.length) {
      window = Arrays.copyOf(window, size * 2);
    }
    window[size++] = id;
    String text = tokenizer.decode(Arrays.copyOf(window, size));
    boolean incomplete = text.endsWith("\uFFFD") && size - prefixIndex < MAX_PENDING;
    if (text.length() <= prefix.length() || incomplete || !text.startsWith(prefix)) {
      if (!text.startsWith(prefix) && !incomplete) {
        // The decoder rewrote earlier text (rare, e.g. a strip rule): restart the window here.
        String fresh = text.length() > prefix.length() ? text.substring(prefix.length()) : "";
        restart();
        return fresh;
      }
      return "";
    }
    String fresh = text.substring(prefix.length());
    // Keep the ids after the previous prefix as the context of the next step.
    int newPrefixIndex = size - prefixIndex;
    System.arraycopy(window, prefixIndex, window, 0, size - prefixIndex);
    size -= prefixIndex;
    prefix = tokenizer.decode(Arrays.copyOf(window, size));
    prefixIndex = newPrefixIndex;
    return fresh;
  }

  private void restart() {
    size = 0;
    prefixIndex = 0;
    prefix = "";
  }
}
