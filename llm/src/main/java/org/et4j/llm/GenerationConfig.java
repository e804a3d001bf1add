package org.et4j.llm;

/**
 * How {@link TextGenerator} samples: greedy (temperature 0, the default) or from the softmax of the
 * logits divided by {@code temperature}, restricted to the smallest set of tokens whose probability
 * reaches {@code topP}, drawn with a generator seeded by {@code seed}.
 *
 * @param maxNewTokens the most tokens to generate; capped by the context left after the prompt
 * @param temperature 0 for greedy, else the softmax temperature (> 0)
 * @param topP the nucleus mass in (0, 1]; 1 samples from every token
 * @param seed the seed of the sampler's random generator (same seed, same tokens)
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long seed) {
  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException for a non-positive token budget, a negative or non-finite
   *     temperature, or a top-p outside (0, 1]
   */
  public GenerationConfig {
    if (maxNewTokens <= 0) {
      throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
  }

  /** Greedy decoding of at most {@code maxNewTokens} tokens. */
  public static GenerationConfig greedy(int maxNewTokens) {
    return new GenerationConfig(maxNewTokens, 0, 1, 0);
  }
}
