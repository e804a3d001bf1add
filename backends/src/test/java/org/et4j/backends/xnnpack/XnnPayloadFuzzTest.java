package org.et4j.backends.xnnpack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.Map;

/**
 * Jazzer target for XNNPACK payloads. In every build (regression mode) it replays the seeds in
 * {@code src/test/resources/org/et4j/backends/xnnpack/XnnPayloadFuzzTestInputs/payloadBytes/}:
 * small real payloads from the conformance fixtures ({@link XnnPayloadSeedsTest} writes and checks
 * them) and any input that once broke the delegate. With {@code JAZZER_FUZZ=1} Jazzer mutates them.
 *
 * <p>Each input is initialised with the named data of the seeds' programs (so that mutants keep
 * finding their weights) and, when init accepts it, executed once on arguments built from its own
 * external values. A finding is anything but an ExecuTorchException ({@link XnnPayloadHarness}).
 */
class XnnPayloadFuzzTest {
  static {
    XnnPayloadHarness.init();
  }

  private static final Map<String, byte[]> NAMED_DATA = namedData();

  private static Map<String, byte[]> namedData() {
    Map<String, byte[]> all = new HashMap<>();
    for (String fixture : XnnPayloadSeedsTest.SEED_FIXTURES) {
      all.putAll(XnnPayloadFixtures.named(fixture).namedData());
    }
    return Map.copyOf(all);
  }

  @FuzzTest(maxDuration = "5m")
  void payloadBytes(byte[] payload) {
    XnnPayloadHarness.direct(payload, NAMED_DATA);
  }
}
