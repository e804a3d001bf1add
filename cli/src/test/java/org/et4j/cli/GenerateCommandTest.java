package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GenerateCommandTest {
  private static final String SMALL = Path.of(System.getProperty("et4j.repo.dir", ".."))
      .resolve("llm/src/test/resources/llm_small/smollm2_small_8da4w.pte").toString();
  // Prompt 0 of the fixture's oracle (chat-templated "What is the capital of France?", sub-vocabulary ids).
  private static final String PROMPT =
      "1,2034,198,2008,359,253,2021,2023,2036,2010,2012,308,2046,28,2028,411,407,2041,2030,2,198,1,2014,198,1780,314,260,2013,282,2018,47,2,198,1,520,2032,198";

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void streamsTheExecuTorchRuntimesGreedyTokensAndReportsTheSpeeds() {
    Result r = run("generate", SMALL, "--prompt-ids", PROMPT, "--max-new-tokens", "4", "--threads", "1");
    assertThat(r.status()).as(r.err()).isZero();
    // The ExecuTorch runtime's first four greedy ids for this prompt (the fixture's oracle).
    assertThat(r.out()).contains("tokens: 365 216 216 216\n").contains("prompt tokens: 37, generated: 4")
        .contains("prefill: ").contains("decode: ").contains("time to first token: ").contains("peak RSS: ");
  }

  @Test
  void aPromptItCannotTokenizeIsAUsageErrorThatSaysWhatToGive() {
    Result none = run("generate", SMALL);
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("--prompt-ids").contains("--tokenizer");
    Result noTokenizer = run("generate", SMALL, "--prompt", "hello");
    assertThat(noTokenizer.status()).isEqualTo(1);
    assertThat(noTokenizer.err()).contains("--tokenizer tokenizer.json");
    Result both = run("generate", SMALL, "--prompt", "hello", "--prompt-ids", "1,2");
    assertThat(both.status()).isEqualTo(1);
  }

  @Test
  void aMissingTokenizerFileIsOneErrorLine() {
    Result r = run("generate", SMALL, "--tokenizer", "no-such-tokenizer.json", "--prompt", "hello");
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("no-such-tokenizer.json");
    assertThat(r.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
  }
}
