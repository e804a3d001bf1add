package org.et4j.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encode throughput of et4j's tokenizer on the fixture corpus (not a test): every text of
 * smollm2-cases.json, 20 times, one text per encode call, one thread; warmed, median of 7. {@code
 * python conformance/python/llm_tokenizer_cases.py --bench} times the {@code tokenizers} library on
 * the same texts the same way.
 *
 * <pre>java -cp llm/target/classes:llm/target/test-classes:RUNTIME_JAR \
 *     org.et4j.llm.tokenizer.TokenizerThroughput</pre>
 */
public final class TokenizerThroughput {
  private TokenizerThroughput() {}

  /**
   * Runs the measurement.
   *
   * @param args unused
   */
  public static void main(String[] args) {
    var tokenizer = HuggingFaceTokenizer.load(TokenizerFixtures.path("smollm2/tokenizer.json"));
    List<String> texts =
        TokenizerFixtures.json("smollm2-cases.json").get("cases").asArray().stream()
            .map(c -> c.getString("text"))
            .toList();
    long bytes = 0;
    for (String t : texts) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
    }
    bytes *= 20;
    long sink = 0;
    for (int warm = 0; warm < 10; warm++) {
      sink += round(tokenizer, texts);
    }
    double[] seconds = new double[7];
    for (int r = 0; r < seconds.length; r++) {
      long start = System.nanoTime();
      sink += round(tokenizer, texts);
      seconds[r] = (System.nanoTime() - start) / 1e9;
    }
    Arrays.sort(seconds);
    System.out.printf(
        "et4j HuggingFaceTokenizer encode, one text per call, one thread: %.2f MB/s median of 7"
            + " (%d bytes, %d texts x 20; sink %d)%n",
        bytes / seconds[3] / 1e6, bytes, texts.size(), sink);
  }

  private static long round(Tokenizer tokenizer, List<String> texts) {
    long count = 0;
    for (int rep = 0; rep < 20; rep++) {
      for (String t : texts) {
        count += tokenizer.encode(t).length;
      }
    }
    return count;
  }
}
