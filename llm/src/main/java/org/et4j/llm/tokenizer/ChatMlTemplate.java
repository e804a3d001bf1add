package org.et4j.llm.tokenizer;

import java.util.List;

/**
 * ChatML: {@code <|im_start|>role\ncontent<|im_end|>\n} per turn, then {@code
 * <|im_start|>assistant\n} when a reply is wanted; a default system turn first when the template
 * has one and the conversation does not start with a system message (SmolLM2's "You are a helpful
 * AI assistant named SmolLM, trained by Hugging Face").
 */
record ChatMlTemplate(String defaultSystemPrompt) implements ChatTemplate {
  @Override
  public String apply(List<ChatMessage> messages, boolean addGenerationPrompt) {
    StringBuilder sb = new StringBuilder();
    if (defaultSystemPrompt != null
        && !messages.isEmpty()
        && !messages.getFirst().role().equals("system")) {
      turn(sb, "system", defaultSystemPrompt);
    }
    for (ChatMessage m : messages) {
      turn(sb, m.role(), m.content());
    }
    if (addGenerationPrompt) {
      sb.append("<|im_start|>assistant\n");
    }
    return sb.toString();
  }

  private static void turn(StringBuilder sb, String role, String content) {
    sb.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
  }
}
