package org.et4j.llm.tokenizer;

import java.util.Objects;

/**
 * One turn of a conversation, as the {@code messages} a chat template formats.
 *
 * @param role {@code "system"}, {@code "user"} or {@code "assistant"} (any role is passed through)
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {
  /** Checks that neither part is null. */
  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  /** A user turn. */
  public static ChatMessage user(String content) {
    return new ChatMessage("user", content);
  }

  /** A system turn. */
  public static ChatMessage system(String content) {
    return new ChatMessage("system", content);
  }

  /** An assistant turn. */
  public static ChatMessage assistant(String content) {
    return new ChatMessage("assistant", content);
  }
}
