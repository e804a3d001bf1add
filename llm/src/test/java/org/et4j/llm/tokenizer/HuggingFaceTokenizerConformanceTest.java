package org.et4j.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.et4j.llm.internal.json.JsonValue;
import org.junit.jupiter.api.Test;

/**
 * et4j's tokenizer against the Hugging Face {@code tokenizers} library: exact ids, exact decodes,
 * the decodes of every prefix of some id sequences (incomplete UTF-8) and the chunks of {@code
 * DecodeStream}, for every text of the corpus recorded by llm_tokenizer_cases.py.
 */
class HuggingFaceTokenizerConformanceTest {
  /** Loaded once: reading the 1.5 MB file is most of this class's time. */
  private static final Tokenizer SMOLLM2 =
      HuggingFaceTokenizer.load(TokenizerFixtures.path("smollm2/tokenizer.json"));

  private static final JsonValue SMOLLM2_CASES = TokenizerFixtures.json("smollm2-cases.json");

  @Test
  void smollm2MatchesTokenizersOnTheWholeCorpus() {
    var tokenizer = SMOLLM2;
    JsonValue fixture = SMOLLM2_CASES;
    assertThat(fixture.get("cases").asArray()).hasSizeGreaterThan(400);
    assertThat(mismatches(tokenizer, fixture)).isEmpty();
  }

  @Test
  void llama3StylePipelineMatchesTokenizers() {
    var tokenizer =
        HuggingFaceTokenizer.load(TokenizerFixtures.path("llama3-style/tokenizer.json"));
    JsonValue fixture = TokenizerFixtures.json("llama3-style-cases.json");
    assertThat(fixture.get("cases").asArray()).hasSizeGreaterThan(100);
    assertThat(mismatches(tokenizer, fixture)).isEmpty();
  }

  @Test
  void byteFallbackModelMatchesTokenizers() {
    var tokenizer =
        HuggingFaceTokenizer.load(TokenizerFixtures.path("byte-fallback/tokenizer.json"));
    JsonValue fixture = TokenizerFixtures.json("byte-fallback-cases.json");
    assertThat(fixture.get("cases").asArray()).hasSizeGreaterThan(50);
    assertThat(mismatches(tokenizer, fixture)).isEmpty();
  }

  @Test
  void smollm2SpecialTokensAndSize() {
    var tokenizer = SMOLLM2;
    assertThat(tokenizer.vocabularySize()).isEqualTo(49152);
    assertThat(tokenizer.tokenId("<|im_start|>")).hasValue(1);
    assertThat(tokenizer.tokenId("<|im_end|>")).hasValue(2);
    assertThat(tokenizer.tokenId("no such token")).isEmpty();
    assertThat(tokenizer.isSpecial(2)).isTrue();
    assertThat(tokenizer.isSpecial(tokenizer.encode("hello")[0])).isFalse();
    assertThat(tokenizer.token(tokenizer.encode(" the")[0])).isEqualTo("Ġthe");
  }

  @Test
  void everySmollm2IdDecodesAsTokenizersDecodesIt() throws Exception {
    List<JsonValue> hashes = SMOLLM2_CASES.get("vocab_decode_sha256_per_256_ids").asArray();
    int size = SMOLLM2.vocabularySize();
    assertThat(hashes).hasSize((size + 255) / 256);
    List<String> mismatches = new ArrayList<>();
    for (int chunk = 0; chunk < hashes.size(); chunk++) {
      int[] ids =
          java.util.stream.IntStream.range(chunk * 256, Math.min(size, chunk * 256 + 256))
              .toArray();
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(SMOLLM2.decode(ids).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String hex = java.util.HexFormat.of().formatHex(digest);
      if (!hex.equals(hashes.get(chunk).asString())) {
        mismatches.add("ids " + ids[0] + ".." + ids[ids.length - 1]);
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void oneTokenizerServesManyThreads() throws Exception {
    var tokenizer = SMOLLM2;
    JsonValue fixture = SMOLLM2_CASES;
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(4)) {
      List<java.util.concurrent.Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> mismatches(tokenizer, fixture)));
      }
      for (var result : results) {
        assertThat(result.get()).isEmpty();
      }
    }
  }

  /** Every difference from the fixture, described; empty when et4j agrees on every case. */
  static List<String> mismatches(Tokenizer tokenizer, JsonValue fixture) {
    List<String> out = new ArrayList<>();
    for (JsonValue c : fixture.get("cases").asArray()) {
      String text = c.getString("text");
      int[] expected = TokenizerFixtures.ints(c.get("ids"));
      int[] actual = tokenizer.encode(text);
      if (!Arrays.equals(expected, actual)) {
        out.add(
            c.path()
                + " encode("
                + quote(text)
                + "): expected "
                + Arrays.toString(expected)
                + " but was "
                + Arrays.toString(actual));
      }
      String decoded = tokenizer.decode(expected);
      if (!decoded.equals(c.getString("decoded"))) {
        out.add(
            c.path()
                + " decode: expected "
                + quote(c.getString("decoded"))
                + " but was "
                + quote(decoded));
      }
      JsonValue prefixes = c.optional("prefix_decodes");
      if (prefixes != null) {
        List<JsonValue> list = prefixes.asArray();
        for (int k = 0; k < list.size(); k++) {
          String prefix = tokenizer.decode(Arrays.copyOf(expected, k));
          if (!prefix.equals(list.get(k).asString())) {
            out.add(
                c.path()
                    + " decode of the first "
                    + k
                    + " ids: expected "
                    + quote(list.get(k).asString())
                    + " but was "
                    + quote(prefix));
          }
        }
      }
      JsonValue stream = c.optional("stream");
      if (stream != null) {
        StreamingDecoder decoder = tokenizer.streamingDecoder();
        List<JsonValue> chunks = stream.asArray();
        for (int k = 0; k < chunks.size(); k++) {
          String chunk = decoder.next(expected[k]);
          if (!chunk.equals(chunks.get(k).asString())) {
            out.add(
                c.path()
                    + " stream step "
                    + k
                    + ": expected "
                    + quote(chunks.get(k).asString())
                    + " but was "
                    + quote(chunk));
          }
        }
      }
    }
    return out;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x20
                  || (cp >= 0x7f && cp <= 0xa0)
                  || cp == 0xFFFD
                  || (cp > 0xa0 && Character.isSpaceChar(cp))) {
                sb.append(String.format("\\u%04X", cp));
              } else {
                sb.appendCodePoint(cp);
              }
            });
    return sb.append('"').toString();
  }
}
