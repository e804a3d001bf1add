package org.et4j.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.et4j.llm.internal.json.JsonValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.junit.jupiter.api.Test;

/** SmolLM2's chat template against transformers' apply_chat_template outputs. */
class ChatTemplateTest {
  private static final Tokenizer SMOLLM2 =
      HuggingFaceTokenizer.load(TokenizerFixtures.path("smollm2/tokenizer.json"));

  @Test
  void smollm2TemplateFromTokenizerConfigMatchesTransformers() {
    ChatTemplate template =
        ChatTemplate.fromTokenizerConfig(TokenizerFixtures.path("smollm2/tokenizer_config.json"));
    var tokenizer = SMOLLM2;
    List<JsonValue> chats = TokenizerFixtures.json("smollm2-cases.json").get("chats").asArray();
    assertThat(chats).hasSizeGreaterThanOrEqualTo(3);
    for (JsonValue chat : chats) {
      List<ChatMessage> messages =
          chat.get("messages").asArray().stream()
              .map(m -> new ChatMessage(m.getString("role"), m.getString("content")))
              .toList();
      String prompt = template.apply(messages, true);
      assertThat(prompt).as(chat.path()).isEqualTo(chat.getString("prompt"));
      assertThat(tokenizer.encode(prompt))
          .as(chat.path())
          .containsExactly(TokenizerFixtures.ints(chat.get("ids")));
    }
  }

  @Test
  void tokenizerConfigNamesBosAndEos() {
    var config = TokenizerConfig.read(TokenizerFixtures.path("smollm2/tokenizer_config.json"));
    var tokenizer = SMOLLM2;
    assertThat(config.bosToken()).isEqualTo("<|im_start|>");
    assertThat(config.bosId(tokenizer)).hasValue(1);
    assertThat(config.eosId(tokenizer)).hasValue(2);
    assertThat(config.template()).isPresent();
  }

  @Test
  void defaultSystemTurnOnlyWhenTheConversationHasNone() {
    ChatTemplate template = ChatTemplate.chatMl("Be brief.");
    assertThat(template.apply(List.of(ChatMessage.user("Hi")), false))
        .isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n");
    assertThat(template.apply(List.of(ChatMessage.system("S"), ChatMessage.user("Hi")), true))
        .isEqualTo(
            "<|im_start|>system\n"
                + "S<|im_end|>\n"
                + "<|im_start|>user\n"
                + "Hi<|im_end|>\n"
                + "<|im_start|>assistant\n");
    assertThat(template.apply(List.of(), true)).isEqualTo("<|im_start|>assistant\n");
  }

  @Test
  void unrecognisedTemplateIsNotSupported() {
    String llama3 =
        "{% for message in messages %}{{ '<|start_header_id|>' + message['role'] + "
            + "'<|end_header_id|>\\n\\n' + message['content'] + '<|eot_id|>' }}{% endfor %}";
    assertThatThrownBy(() -> ChatTemplate.fromJinja(llama3))
        .isInstanceOfSatisfying(
            ExecuTorchException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED))
        .hasMessageContaining("not recognised")
        .hasMessageContaining("start_header_id");
  }
}
