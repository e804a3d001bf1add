package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.et4j.llm.GenerationConfig;
import org.et4j.llm.GenerationResult;
import org.et4j.llm.LlmMetadata;
import org.et4j.llm.TextGenerator;

/**
 * {@code et4j generate}: text generation from an LLM program exported by ExecuTorch's LLM tooling,
 * streamed as it is sampled, then the speeds ExecuTorch's runner reports (prefill and decode
 * tokens per second, time to first token) and the peak RSS.
 *
 * <p>The prompt is given as token ids ({@code --prompt-ids 1,2,3}) until the {@code
 * tokenizer.json} reader is wired in ({@code --tokenizer} and {@code --prompt}).
 */
final class GenerateCommand {
  static final Set<String> FLAGS = Set.of();
  static final Set<String> VALUED = Options.withLoadOptions(Set.of(
      "--tokenizer", "--prompt", "--prompt-ids", "--max-new-tokens", "--temperature", "--top-p", "--seed", "--threads"));

  private final Options options;
  private final PrintStream out;

  GenerateCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("program");
    String ids = options.one("--prompt-ids", null);
    if (ids == null) {
      throw new Main.UsageException(options.one("--prompt", null) != null || options.one("--tokenizer", null) != null
          ? "--prompt with --tokenizer needs the tokenizer.json reader, which this build does not have yet; give the prompt as --prompt-ids 1,2,3"
          : "generate needs the prompt: --prompt-ids 1,2,3");
    }
    int[] prompt = parseIds(ids);
    int maxNew = options.intValue("--max-new-tokens", 64);
    double temperature = options.doubleValue("--temperature", 0);
    double topP = options.doubleValue("--top-p", 1);
    long seed = options.intValue("--seed", 0);
    int threads = RunCommand.applyThreads(options);
    GenerationConfig config = new GenerationConfig(maxNew, temperature, topP, seed);
    try (TextGenerator generator = TextGenerator.load(file, options.loadOptions(threads))) {
      LlmMetadata m = generator.metadata();
      out.printf("model: %s (vocab %d, context %d, prefill up to %d tokens per call)%n",
          file.getFileName(), m.vocabSize(), m.maxContextLen(), generator.prefillChunk());
      out.print("tokens:");
      GenerationResult r = generator.generate(prompt, config, null, (id, text) -> {
        out.print(" " + id);
        out.flush();
      });
      out.println();
      Long rss = BenchCommand.peakRssBytes();
      out.printf("prompt tokens: %d, generated: %d%s%n", r.promptTokens(), r.tokens().length,
          r.stoppedAtEos() ? " (stopped at EOS)" : "");
      out.printf("prefill: %.1f tokens/s, decode: %.1f tokens/s, time to first token: %.1f ms, peak RSS: %s%n",
          r.prefillTokensPerSecond(), r.decodeTokensPerSecond(), r.timeToFirstTokenNanos() / 1e6,
          rss == null ? "n/a" : String.format("%.1f MB", rss / 1048576.0));
    }
    return 0;
  }

  private static int[] parseIds(String ids) {
    try {
      return Arrays.stream(ids.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--prompt-ids needs comma-separated token ids, got '" + ids + "'");
    }
  }
}
