package org.et4j.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizer files that cannot be used, each with an error that says what and where. */
class BadTokenizerFileTest {
  private static final String GOOD =
      """
      {"added_tokens": [{"id": 3, "content": "<s>", "special": true, "normalized": false}],
       "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
       "decoder": {"type": "ByteLevel"},
       "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]]}}
      """;

  @Test
  void theMinimalFileWorks() {
    var tokenizer = HuggingFaceTokenizer.parse(GOOD, "good.json");
    assertThat(tokenizer.encode("abab<s>a")).containsExactly(2, 2, 3, 0);
    assertThat(tokenizer.decode(new int[] {2, 3, 1})).isEqualTo("ab<s>b");
    assertThat(tokenizer.vocabularySize()).isEqualTo(4);
  }

  @Test
  void truncatedJson() {
    String truncated = GOOD.substring(0, GOOD.indexOf("\"merges\""));
    expect(() -> HuggingFaceTokenizer.parse(truncated, "cut.json"), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("cut.json: invalid JSON at line 4")
        .hasMessageContaining("truncated");
  }

  @Test
  void unknownModelType() {
    String json = GOOD.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\"");
    expect(() -> HuggingFaceTokenizer.parse(json, "wp.json"), ErrorCode.NOT_SUPPORTED)
        .hasMessageContaining("wp.json: model.type")
        .hasMessageContaining("WordPiece");
  }

  @Test
  void missingVocab() {
    String json = GOOD.replace("\"vocab\"", "\"vocabulary\"");
    expect(() -> HuggingFaceTokenizer.parse(json, "nv.json"), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("nv.json: model.vocab is missing");
  }

  @Test
  void mergeNamingAnUnknownToken() {
    String json = GOOD.replace("[[\"a\", \"b\"]]", "[[\"a\", \"b\"], \"b c\"]");
    expect(() -> HuggingFaceTokenizer.parse(json, "m.json"), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("m.json: model.merges[1]")
        .hasMessageContaining("\"c\" is not in model.vocab");
  }

  @Test
  void mergeWhoseResultIsNotInTheVocabulary() {
    String json = GOOD.replace("[[\"a\", \"b\"]]", "[\"b a\"]");
    expect(() -> HuggingFaceTokenizer.parse(json, "m.json"), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("model.merges[0]")
        .hasMessageContaining("\"ba\" is not in model.vocab");
  }

  @Test
  void wrongTypesAndUnknownComponents() {
    expect(
            () -> HuggingFaceTokenizer.parse(GOOD.replace("\"b\": 1", "\"b\": \"1\""), "t.json"),
            ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining(
            "t.json: model.vocab.b should be an integer in the int range but is a string");
    expect(
            () -> HuggingFaceTokenizer.parse(GOOD.replace("\"ab\": 2", "\"ab\": 1"), "d.json"),
            ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("model.vocab.ab reuses id 1");
    expect(
            () ->
                HuggingFaceTokenizer.parse(
                    GOOD.replace(
                        "\"type\": \"ByteLevel\", \"add", "\"type\": \"Metaspace\", \"add"),
                    "p.json"),
            ErrorCode.NOT_SUPPORTED)
        .hasMessageContaining("p.json: pre_tokenizer.type")
        .hasMessageContaining("Metaspace");
    expect(
            () ->
                HuggingFaceTokenizer.parse(
                    GOOD.replace("[[\"a\", \"b\"]]", "[[\"a\"]]"), "p1.json"),
            ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("p1.json: model.merges[0] should be \"a b\" or [\"a\", \"b\"]");
    expect(
            () ->
                HuggingFaceTokenizer.parse(
                    GOOD.replace("[[\"a\", \"b\"]]", "[\"a  b\"]"), "p2.json"),
            ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining(
            "p2.json: model.merges[0] should be two tokens separated by one space");
    expect(() -> HuggingFaceTokenizer.parse("[1, 2]", "a.json"), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("a.json: root should be an object but is an array");
  }

  @Test
  void unreadableFile(@TempDir Path dir) throws Exception {
    expect(() -> HuggingFaceTokenizer.load(dir.resolve("absent.json")), ErrorCode.ACCESS_FAILED)
        .hasMessageContaining("absent.json");
    Path latin1 = dir.resolve("latin1.json");
    Files.write(latin1, new byte[] {'{', '"', (byte) 0xE9, '"', '}'});
    expect(() -> HuggingFaceTokenizer.load(latin1), ErrorCode.INVALID_ARGUMENT)
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void unknownIdsAreMisuse() {
    var tokenizer = HuggingFaceTokenizer.parse(GOOD, "good.json");
    assertThatThrownBy(() -> tokenizer.decode(new int[] {0, 99}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token id 99 is not in the vocabulary of good.json (size 4)");
    assertThatThrownBy(() -> tokenizer.token(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ?> expect(
      ThrowingCallable call, ErrorCode code) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
