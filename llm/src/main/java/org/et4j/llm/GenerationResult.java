package org.et4j.llm;

/**
 * One generation: the tokens and the timings ExecuTorch's runner reports.
 *
 * @param promptTokens how many prompt tokens were prefilled
 * @param tokens the generated ids, the first from the prefill's logits, an EOS id included when it
 *     ended generation
 * @param prefillNanos the prefill (all forward calls over the prompt)
 * @param timeToFirstTokenNanos from the start until the first generated token was sampled
 * @param decodeNanos from the first generated token to the last
 * @param stoppedAtEos whether an EOS id ended generation (else the token budget or the context)
 */
public record GenerationResult(
    int promptTokens, int[] tokens, long prefillNanos, long timeToFirstTokenNanos, long decodeNanos, boolean stoppedAtEos) {
  /** Prompt tokens per second of prefill. */
  public double prefillTokensPerSecond() {
    return promptTokens * 1e9 / Math.max(1, prefillNanos);
  }

  /** Generated tokens per second after the first (each one a decode call), as ExecuTorch's runner counts them. */
  public double decodeTokensPerSecond() {
    return (tokens.length - 1) * 1e9 / Math.max(1, decodeNanos);
  }
}
