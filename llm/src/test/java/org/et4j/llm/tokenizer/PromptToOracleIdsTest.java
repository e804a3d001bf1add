package org.et4j.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.et4j.llm.internal.json.JsonValue;
import org.junit.jupiter.api.Test;

/**
 * The text path of {@code et4j generate}: each prompt of the small LLM fixture's oracle, put in
 * SmolLM2's chat template from its {@code tokenizer_config.json} and encoded by et4j's tokenizer,
 * gives the ids the ExecuTorch runtime was fed (the oracle stores them in the fixture's
 * sub-vocabulary, mapped back here through its {@code vocab_subset}).
 */
class PromptToOracleIdsTest {
  @Test
  void templatedAndEncodedPromptsAreTheIdsTheOracleRan() {
    Tokenizer tokenizer = HuggingFaceTokenizer.load(TokenizerFixtures.path("smollm2/tokenizer.json"));
    ChatTemplate template = TokenizerConfig.read(TokenizerFixtures.path("smollm2/tokenizer_config.json"))
        .template().orElseThrow();
    JsonValue oracle = TokenizerFixtures.json("/llm_small/smollm2_small_8da4w.oracle.json");
    int[] subset = TokenizerFixtures.ints(oracle.get("vocab_subset"));
    List<JsonValue> cases = oracle.get("cases").asArray();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(8);
    for (JsonValue c : cases) {
      String templated = template.apply(List.of(ChatMessage.user(c.getString("prompt"))), true);
      assertThat(templated).as(c.getString("prompt")).isEqualTo(c.getString("templated"));
      int[] small = TokenizerFixtures.ints(c.get("prompt_ids"));
      int[] full = new int[small.length];
      for (int i = 0; i < small.length; i++) {
        full[i] = subset[small[i]];
      }
      assertThat(tokenizer.encode(templated)).as(c.getString("prompt")).containsExactly(full);
    }
  }
}
