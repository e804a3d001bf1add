package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.et4j.llm.GenerationConfig;
import org.et4j.llm.GenerationResult;
import org.et4j.llm.LlmMetadata;
import org.et4j.llm.TextGenerator;
import org.et4j.llm.tokenizer.ChatMessage;
import org.et4j.llm.tokenizer.ChatTemplate;
import org.et4j.llm.tokenizer.HuggingFaceTokenizer;
import org.et4j.llm.tokenizer.Tokenizer;
import org.et4j.llm.tokenizer.TokenizerConfig;

/**
 * {@code et4j generate}: text generation from an LLM program exported by ExecuTorch's LLM tooling,
 * streamed as it is sampled, then the speeds ExecuTorch's runner reports (prefill and decode
 * tokens per second, time to first token) and the peak RSS.
 *
 * <p>The prompt is text with {@code --tokenizer tokenizer.json --prompt "..."}: wrapped in the
 * model's chat template when a {@code tokenizer_config.json} beside the tokenizer names one (as
 * ExecuTorch's runner is given a templated prompt; {@code --raw} skips it, {@code --system} sets the
 * system turn), then encoded without a BOS token (the runner's default). Or it is token ids,
 * {@code --prompt-ids 1,2,3}, used as they are.
 */
final class GenerateCommand {
  static final Set<String> FLAGS = Set.of("--raw");
  static final Set<String> VALUED = Options.withLoadOptions(Set.of(
      "--tokenizer", "--prompt", "--prompt-ids", "--system", "--max-new-tokens", "--temperature", "--top-p", "--seed",
      "--threads"));

  private final Options options;
  private final PrintStream out;

  GenerateCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("program");
    String ids = options.one("--prompt-ids", null);
    String text = options.one("--prompt", null);
    String tokenizerFile = options.one("--tokenizer", null);
    if ((ids == null) == (text == null)) {
      throw new Main.UsageException("generate needs the prompt, either as text (--tokenizer tokenizer.json --prompt \"...\")"
          + " or as token ids (--prompt-ids 1,2,3), not both");
    }
    if (text != null && tokenizerFile == null) {
      throw new Main.UsageException("--prompt needs --tokenizer tokenizer.json to turn the text into token ids");
    }
    Tokenizer tokenizer = tokenizerFile == null ? null : HuggingFaceTokenizer.load(Path.of(tokenizerFile));
    int[] prompt = text != null ? encodePrompt(tokenizer, Path.of(tokenizerFile), text) : parseIds(ids);
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
      GenerationResult r;
      if (tokenizer == null) {
        out.print("tokens:");
        r = generator.generate(prompt, config, null, (id, piece) -> {
          out.print(" " + id);
          out.flush();
        });
      } else {
        r = generator.generate(prompt, config, tokenizer, (id, piece) -> {
          out.print(piece);
          out.flush();
        });
      }
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

  /**
   * The prompt's ids: the text in the chat template of the {@code tokenizer_config.json} beside
   * the tokenizer (unless {@code --raw}), with {@code --system} as the system turn.
   */
  private int[] encodePrompt(Tokenizer tokenizer, Path tokenizerFile, String text) {
    Path configFile = tokenizerFile.toAbsolutePath().resolveSibling("tokenizer_config.json");
    String system = options.one("--system", null);
    boolean raw = options.flag("--raw");
    Optional<ChatTemplate> template = raw || !Files.isRegularFile(configFile)
        ? Optional.empty() : TokenizerConfig.read(configFile).template();
    if (template.isEmpty()) {
      if (system != null) {
        throw new Main.UsageException("--system needs a chat template: " + (raw
            ? "drop --raw" : "no tokenizer_config.json with a chat_template beside " + tokenizerFile));
      }
      return tokenizer.encode(text);
    }
    List<ChatMessage> messages = new ArrayList<>();
    if (system != null) {
      messages.add(ChatMessage.system(system));
    }
    messages.add(ChatMessage.user(text));
    return tokenizer.encode(template.get().apply(messages, true));
  }

  private static int[] parseIds(String ids) {
    try {
      return Arrays.stream(ids.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--prompt-ids needs comma-separated token ids, got '" + ids + "'");
    }
  }
}
