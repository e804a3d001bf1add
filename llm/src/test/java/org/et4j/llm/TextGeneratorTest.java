package org.et4j.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.et4j.runtime.LoadOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generation on the committed small SmolLM2 (the real model's first 2 layers over its first 2048
 * embeddings, exported by ExecuTorch's LLM exporter with KV cache, llama::custom_sdpa,
 * llama::update_cache, dynamic-shape prefill and XNNPACK 8da4w linears) against the token ids the
 * ExecuTorch runtime generated greedily for the same chat-templated prompts
 * (conformance/python/llm_export.py --small).
 */
class TextGeneratorTest {
  private static final Pattern PROMPT = Pattern.compile("\"prompt_ids\": \\[([^\\]]*)\\]");
  private static final Pattern GENERATED = Pattern.compile("\"generated_ids\": \\[([^\\]]*)\\]");
  private static TextGenerator generator;

  static Path fixture(String name) {
    try {
      return Path.of(TextGeneratorTest.class.getResource("/llm_small/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new AssertionError("missing test resource llm_small/" + name, e);
    }
  }

  @BeforeAll
  static void load() {
    generator = TextGenerator.load(fixture("smollm2_small_8da4w.pte"), LoadOptions.builder().threads(1).build());
  }

  @AfterAll
  static void close() {
    generator.close();
  }

  static List<int[]> ids(String json, Pattern p) {
    List<int[]> out = new ArrayList<>();
    Matcher m = p.matcher(json);
    while (m.find()) {
      out.add(Arrays.stream(m.group(1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
    }
    return out;
  }

  @Test
  void readsTheMetadataMethodsTheExporterWrote() {
    LlmMetadata m = generator.metadata();
    assertThat(m.maxSeqLen()).isEqualTo(128);
    assertThat(m.maxContextLen()).isEqualTo(128);
    assertThat(m.useKvCache()).isTrue();
    assertThat(m.enableDynamicShape()).isTrue();
    assertThat(m.vocabSize()).isEqualTo(2048);
    assertThat(m.bosId()).isEqualTo(1);
    assertThat(m.eosIds()).containsExactlyInAnyOrder(2);
  }

  @Test
  void greedyTokensEqualTheExecuTorchRuntimesForEveryRecordedPrompt() throws IOException {
    String json = Files.readString(fixture("smollm2_small_8da4w.oracle.json"));
    List<int[]> prompts = ids(json, PROMPT);
    List<int[]> expected = ids(json, GENERATED);
    assertThat(prompts).hasSizeGreaterThanOrEqualTo(8).hasSameSizeAs(expected);
    for (int i = 0; i < prompts.size(); i++) {
      List<Integer> streamed = new ArrayList<>();
      GenerationResult r = generator.generate(
          prompts.get(i), GenerationConfig.greedy(48), null, (id, text) -> streamed.add(id));
      assertThat(r.tokens()).as("prompt %d", i).containsExactly(expected.get(i));
      assertThat(streamed).containsExactly(Arrays.stream(r.tokens()).boxed().toArray(Integer[]::new));
      assertThat(r.promptTokens()).isEqualTo(prompts.get(i).length);
    }
  }

  @Test
  void tokenByTokenPrefillGivesTheSameTokensAsOneCall() throws IOException {
    // The KV cache must carry state between calls: the prompt fed one token per call equals one call.
    String json = Files.readString(fixture("smollm2_small_8da4w.oracle.json"));
    int[] prompt = ids(json, PROMPT).get(0);
    int[] expected = ids(json, GENERATED).get(0);
    try (TextGenerator byToken = TextGenerator.load(fixture("smollm2_small_8da4w.pte"), LoadOptions.builder().threads(1).build())) {
      byToken.limitPrefillChunk(1);
      GenerationResult r = byToken.generate(prompt, GenerationConfig.greedy(8), null, null);
      assertThat(r.tokens()).containsExactly(Arrays.copyOf(expected, Math.min(8, expected.length)));
    }
  }

  @Test
  void seededSamplingRepeatsAndStaysInTheVocabulary() throws IOException {
    int[] prompt = ids(Files.readString(fixture("smollm2_small_8da4w.oracle.json")), PROMPT).get(1);
    GenerationConfig c = new GenerationConfig(12, 0.8, 0.9, 42);
    int[] a = generator.generate(prompt, c, null, null).tokens();
    int[] b = generator.generate(prompt, c, null, null).tokens();
    assertThat(a).containsExactly(b);
    assertThat(Arrays.stream(a).allMatch(t -> t >= 0 && t < 2048)).isTrue();
    assertThat(a).hasSize(12);
  }

  @Test
  void aPromptLongerThanTheContextIsRefusedWithItsLength() {
    int[] tooLong = new int[128];
    Arrays.fill(tooLong, 5);
    assertThatThrownBy(() -> generator.generate(tooLong, GenerationConfig.greedy(4), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("128 tokens")
        .hasMessageContaining("max_context_len");
    assertThatThrownBy(() -> generator.generate(new int[] {1, 99999}, GenerationConfig.greedy(4), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the vocabulary");
  }

  @Test
  void aProgramWithoutTheMetadataMethodsIsRefusedByName() {
    Path notAnLlm = Path.of(System.getProperty("user.dir")).getParent()
        .resolve("conformance/fixtures/digits_cnn/digits_cnn.portable.pte");
    assertThatThrownBy(() -> TextGenerator.load(notAnLlm, LoadOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an LLM program")
        .hasMessageContaining("get_max_seq_len");
  }

  @Test
  void samplingSettingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new GenerationConfig(0, 0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GenerationConfig(4, -1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GenerationConfig(4, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
