package org.et4j.backends.xnnpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed corpus of {@link XnnPayloadFuzzTest}: the first payload of a few small fixtures, so
 * that the fuzzer starts from real graphs (elementwise, fully-connected, fp16/bf16, int32 and
 * dynamic shapes) instead of from nothing, and one payload per defect the hostile tests found. The test checks that the committed seeds are still the
 * fixtures' payloads; {@code -Det4j.xnn.writeSeeds=true} rewrites them.
 */
class XnnPayloadSeedsTest {
  static final List<String> SEED_FIXTURES = List.of(
      "mul2.xnnpack", "mlp.xnnpack", "half_bf16.xnnpack", "int64_indexing.xnnpack", "stateful_counter.xnnpack",
      "dynamic_shapes.xnnpack");

  static Path inputs() {
    return XnnPayloadFixtures.repo()
        .resolve("backends/src/test/resources/org/et4j/backends/xnnpack/XnnPayloadFuzzTestInputs/payloadBytes");
  }

  @Test
  void seedsAreTheFixturesPayloads() throws IOException {
    long total = 0;
    for (String fixture : SEED_FIXTURES) {
      byte[] payload = XnnPayloadFixtures.named(fixture).bytes();
      Path seed = inputs().resolve(fixture + ".payload");
      if (Boolean.getBoolean("et4j.xnn.writeSeeds")) {
        Files.createDirectories(seed.getParent());
        Files.write(seed, payload);
      }
      assertThat(seed).as("seed of " + fixture + " (regenerate with -Det4j.xnn.writeSeeds=true)").exists();
      assertThat(Files.readAllBytes(seed)).as("seed " + seed.getFileName()).isEqualTo(payload);
      total += payload.length;
    }
    // One seed per defect the hostile tests found, so that every build replays each fix.
    java.util.Map<String, byte[]> regressions = new java.util.LinkedHashMap<>();
    regressions.put("regression-reshape-new-shape-overflows", XnnCraftedPayloadTest.reshapeOverflow().build());
    regressions.put("regression-bmm-many-empty-batches", XnnCraftedPayloadTest.manyEmptyBatches().build());
    regressions.put("regression-fc-half-bias-input", XnnCraftedPayloadTest.halfBiasInput().build());
    regressions.put("regression-pad-output-overflows", XnnCraftedPayloadTest.padOverflow().build());
    regressions.put("regression-unknown-node-type", XnnCraftedPayloadTest.unknownNode().build());
    for (var r : regressions.entrySet()) {
      Path seed = inputs().resolve(r.getKey() + ".payload");
      if (Boolean.getBoolean("et4j.xnn.writeSeeds")) {
        Files.write(seed, r.getValue());
      }
      assertThat(seed).as("regression seed (regenerate with -Det4j.xnn.writeSeeds=true)").exists();
      assertThat(Files.readAllBytes(seed)).as("seed " + seed.getFileName()).isEqualTo(r.getValue());
      total += r.getValue().length;
    }
    // The corpus is committed: keep it small.
    assertThat(total).isLessThan(100_000);
  }
}
