package org.et4j.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.et4j.llm.internal.json.JsonValue;
import org.junit.jupiter.api.Test;

/**
 * Each normalizer kind, and each pre-tokenizer kind and option against {@code pre_tokenize_str} of
 * the tokenizers library: every Split behaviour with and without invert, regex and literal
 * patterns, Digits both ways, ByteLevel with a prefix space and without its regex.
 */
class PreTokenizerTest {

  @Test
  void piecesMatchTokenizers() {
    List<JsonValue> configs =
        TokenizerFixtures.json("pre-tokenizer-cases.json").get("pre_tokenizers").asArray();
    assertThat(configs).hasSizeGreaterThan(20);
    List<String> mismatches = new ArrayList<>();
    for (JsonValue config : configs) {
      PreTokenizer preTokenizer =
          HuggingFaceTokenizer.readPreTokenizer(config.get("pre_tokenizer"));
      for (JsonValue c : config.get("cases").asArray()) {
        List<String> expected =
            c.get("pieces").asArray().stream().map(JsonValue::asString).toList();
        List<String> actual = preTokenizer.split(List.of(c.getString("text")));
        if (!expected.equals(actual)) {
          mismatches.add(
              config.get("pre_tokenizer").value()
                  + " on \""
                  + c.getString("text")
                  + "\": expected "
                  + expected
                  + " but was "
                  + actual);
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void normalizersMatchTokenizers() {
    List<JsonValue> configs =
        TokenizerFixtures.json("pre-tokenizer-cases.json").get("normalizers").asArray();
    assertThat(configs).hasSizeGreaterThanOrEqualTo(6);
    List<String> mismatches = new ArrayList<>();
    for (JsonValue config : configs) {
      Normalizer normalizer = HuggingFaceTokenizer.readNormalizer(config.get("normalizer"));
      for (JsonValue c : config.get("cases").asArray()) {
        String actual = normalizer.normalize(c.getString("text"));
        if (!actual.equals(c.getString("normalized"))) {
          mismatches.add(
              config.get("normalizer").value()
                  + " on \""
                  + c.getString("text")
                  + "\": expected \""
                  + c.getString("normalized")
                  + "\" but was \""
                  + actual
                  + "\"");
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }
}
