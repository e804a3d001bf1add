package org.et4j.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class SamplerTest {
  static MemorySegment logits(float... v) {
    return MemorySegment.ofArray(v);
  }

  @Test
  void greedyTakesTheLargestLogitAndTheLowerIdOnATie() {
    TextGenerator.Sampler s = new TextGenerator.Sampler(GenerationConfig.greedy(1), 4);
    assertThat(s.sample(logits(0.5f, 2f, -1f, 1.9f))).isEqualTo(1);
    assertThat(s.sample(logits(3f, 1f, 3f, 0f))).isEqualTo(0);
  }

  @Test
  void aTinyTopPKeepsOnlyTheMostProbableToken() {
    TextGenerator.Sampler s = new TextGenerator.Sampler(new GenerationConfig(1, 1.0, 1e-6, 3), 4);
    for (int i = 0; i < 50; i++) {
      assertThat(s.sample(logits(0f, 0.2f, 0.1f, 0.3f))).isEqualTo(3);
    }
  }

  @Test
  void temperatureSamplingFollowsTheSoftmax() {
    // logits ln(1), ln(3): probabilities 1/4 and 3/4.
    TextGenerator.Sampler s = new TextGenerator.Sampler(new GenerationConfig(1, 1.0, 1.0, 11), 2);
    int ones = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      ones += s.sample(logits(0f, (float) Math.log(3)));
    }
    assertThat(ones / (double) n).isBetween(0.73, 0.77);
  }

  @Test
  void topPRenormalizesOverTheNucleus() {
    // p = 0.5, 0.3, 0.2: top_p 0.7 keeps ids 0 and 1, sampled 5:3.
    TextGenerator.Sampler s = new TextGenerator.Sampler(new GenerationConfig(1, 1.0, 0.7, 5), 3);
    int[] counts = new int[3];
    for (int i = 0; i < 16_000; i++) {
      counts[s.sample(logits((float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)))]++;
    }
    assertThat(counts[2]).isZero();
    assertThat(counts[0] / 16_000.0).isBetween(0.60, 0.65);
  }
}
