package org.et4j.llm.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.et4j.llm.internal.json.JsonValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * What a Hugging Face {@code tokenizer_config.json} says beside the tokenizer: the names of the
 * beginning- and end-of-sequence tokens and the chat template. A generation loop prefers the ids
 * the program's own metadata methods give ({@code get_bos_id}, {@code get_eos_ids}); this is the
 * fallback, and the source of the chat template.
 *
 * @param bosToken the BOS token's text, or null if the file names none
 * @param eosToken the EOS token's text, or null if the file names none
 * @param chatTemplate the Jinja chat template, or null if the file has none
 */
public record TokenizerConfig(String bosToken, String eosToken, String chatTemplate) {

  /**
   * Reads a {@code tokenizer_config.json}. Token names may be strings or objects with a {@code
   * content} member (older files).
   *
   * @param file the file
   * @return its contents
   * @throws ExecuTorchException ({@link ErrorCode#ACCESS_FAILED}) if it cannot be read, ({@link
   *     ErrorCode#INVALID_ARGUMENT}) if it is not valid JSON or a member has the wrong type
   */
  public static TokenizerConfig read(Path file) {
    Objects.requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExecuTorchException(ErrorCode.ACCESS_FAILED, "cannot read " + file + ": " + e, e);
    }
    JsonValue root = JsonValue.parse(text, file.toString());
    root.asMap();
    JsonValue template = root.optional("chat_template");
    if (template != null && !template.isString()) {
      throw template.error("should be a template string (named templates are not supported)");
    }
    return new TokenizerConfig(
        tokenName(root, "bos_token"),
        tokenName(root, "eos_token"),
        template == null ? null : template.asString());
  }

  /**
   * The BOS id in {@code tokenizer}.
   *
   * @param tokenizer the tokenizer this config belongs to
   * @return the id, or empty if no BOS token is named or the tokenizer does not have it
   */
  public OptionalInt bosId(Tokenizer tokenizer) {
    return bosToken == null ? OptionalInt.empty() : tokenizer.tokenId(bosToken);
  }

  /**
   * The EOS id in {@code tokenizer}.
   *
   * @param tokenizer the tokenizer this config belongs to
   * @return the id, or empty if no EOS token is named or the tokenizer does not have it
   */
  public OptionalInt eosId(Tokenizer tokenizer) {
    return eosToken == null ? OptionalInt.empty() : tokenizer.tokenId(eosToken);
  }

  /**
   * The chat template, recognised.
   *
   * @return the template, or empty if the file has none
   * @throws ExecuTorchException ({@link ErrorCode#NOT_SUPPORTED}) for a template et4j does not
   *     implement
   */
  public Optional<ChatTemplate> template() {
    return chatTemplate == null
        ? Optional.empty()
        : Optional.of(ChatTemplate.fromJinja(chatTemplate));
  }

  private static String tokenName(JsonValue root, String key) {
    JsonValue v = root.optional(key);
    if (v == null) {
      return null;
    }
    return v.isObject() ? v.getString("content") : v.asString();
  }
}
