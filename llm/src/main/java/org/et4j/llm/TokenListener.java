package org.et4j.llm;

/** Receives each generated token as soon as it is sampled, for streaming output. */
@FunctionalInterface
public interface TokenListener {
  /**
   * Called once per generated token.
   *
   * @param id the token id
   * @param text the text this token completes; empty while a multi-byte character is incomplete
   */
  void onToken(int id, String text);
}
