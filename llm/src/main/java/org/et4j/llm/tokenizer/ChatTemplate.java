package org.et4j.llm.tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * Formats a conversation into the prompt text a chat model was trained on, as Hugging Face's {@code
 * apply_chat_template(messages, add_generation_prompt=..., tokenize=False)} does with the model's
 * Jinja template.
 *
 * <p>et4j does not run Jinja: it recognises the template families it implements and reproduces
 * them. Today that is ChatML ({@code <|im_start|>role\ncontent<|im_end|>\n}), used by SmolLM2 and
 * Qwen, including a default system turn when the template adds one. {@link #fromJinja} names what
 * it could not recognise.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface ChatTemplate {
  /**
   * The prompt for {@code messages}.
   *
   * @param messages the conversation so far
   * @param addGenerationPrompt whether to open an assistant turn for the model to complete
   * @return the prompt text, special tokens written out (encode it with the model's tokenizer)
   */
  String apply(List<ChatMessage> messages, boolean addGenerationPrompt);

  /**
   * ChatML with an optional default system turn, added when the first message is not a system
   * message.
   *
   * @param defaultSystemPrompt the default system content, or null for none
   * @return the template
   */
  static ChatTemplate chatMl(String defaultSystemPrompt) {
    return new ChatMlTemplate(defaultSystemPrompt);
  }

  /**
   * Recognises a Jinja chat template (the {@code chat_template} of a {@code tokenizer_config.json},
   * or a GGUF's {@code tokenizer.chat_template}).
   *
   * @param jinja the template source
   * @return the template it implements
   * @throws ExecuTorchException ({@link ErrorCode#NOT_SUPPORTED}) if the template is not one et4j
   *     implements
   */
  static ChatTemplate fromJinja(String jinja) {
    Objects.requireNonNull(jinja, "jinja");
    // Templates write a newline either as the escape \n or as a real newline inside a string
    // literal; write both as the escape, and drop blanks, so that one spelling matches both.
    String escaped = jinja.replace("\r\n", "\\n").replace("\n", "\\n");
    String compact = escaped.replaceAll("[ \t]+", "");
    boolean chatMl =
        compact.contains("'<|im_start|>'+message['role']+'\\n'+message['content']+'<|im_end|>'")
            || compact.contains("'<|im_start|>'+message.role+'\\n'+message.content+'<|im_end|>'");
    if (!chatMl || !compact.contains("'<|im_start|>assistant\\n'")) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED,
          "chat template not recognised: et4j implements ChatML (<|im_start|>role\\ncontent"
              + "<|im_end|>); the template starts with: "
              + jinja.substring(0, Math.min(120, jinja.length())));
    }
    // SmolLM2's template writes a default system turn as one literal string, added when the
    // first message is not a system message.
    Matcher system =
        Pattern.compile("'<\\|im_start\\|>system\\\\n(.*?)<\\|im_end\\|>\\\\n'").matcher(escaped);
    String defaultSystem = null;
    if (system.find() && compact.contains("messages[0]['role']!='system'")) {
      defaultSystem = system.group(1).replace("\\n", "\n").replace("\\'", "'");
    }
    return chatMl(defaultSystem);
  }

  /**
   * The chat template of a {@code tokenizer_config.json}.
   *
   * @param tokenizerConfig the file
   * @return its template
   * @throws ExecuTorchException if the file cannot be read, has no {@code chat_template} or has one
   *     et4j does not implement
   */
  static ChatTemplate fromTokenizerConfig(Path tokenizerConfig) {
    TokenizerConfig config = TokenizerConfig.read(tokenizerConfig);
    if (config.chatTemplate() == null) {
      throw new ExecuTorchException(
          ErrorCode.NOT_FOUND, tokenizerConfig + ": chat_template is missing");
    }
    return fromJinja(config.chatTemplate());
  }
}
