package org.et4j.backends.xnnpack.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node-by-node comparison of et4j's Java XNNPACK operators with native XNNPACK (needs the wheel). */
class NodeByNodeComparisonTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("et4j.repo.dir", "../..")).resolve("conformance/fixtures");

  @BeforeEach
  void needsTheLibrary() {
    String why = NativeXnnpackConformanceTest.libraryUnavailable();
    Assumptions.assumeTrue(why == null, () -> "native XNNPACK is not available here, so not run: " + why);
  }

  @Test
  void everyNodeOfTheMlpIsComparedAndWithinTolerance() {
    NodeByNodeComparison c = NodeByNodeComparison.run(FIXTURES.resolve("mlp/mlp.xnnpack.bpte"), List.of(), "forward",
        0, 1e-4, 1e-5, null);
    assertThat(c.rows()).extracting(NodeByNodeComparison.Row::kind)
        .containsExactly("FullyConnected", "FullyConnected", "FullyConnected");
    assertThat(c.rows()).allSatisfy(r -> {
      assertThat(r.withinTolerance()).isTrue();
      assertThat(r.maxNative()).as("the native values are real data").isGreaterThan(0.1);
    });
    assertThat(c.firstDifference()).isNull();
  }

  @Test
  void withNoToleranceTheFirstNodeThatIsNotBitExactIsReportedWithItsElement() {
    // et4j's GEMMs sum in XNNPACK's order and match bit for bit; its Gelu is one ulp off in places.
    NodeByNodeComparison c = NodeByNodeComparison.run(FIXTURES.resolve("attention/attention.xnnpack.bpte"), List.of(),
        "forward", 0, 0, 0, null);
    NodeByNodeComparison.Row first = c.firstDifference();
    assertThat(first).isNotNull();
    assertThat(first.maxAbs()).isGreaterThan(0).isLessThan(1e-5);
    assertThat(first.note()).contains("first beyond tolerance at element").contains("java").contains("native");
    int at = c.rows().indexOf(first);
    assertThat(c.rows().subList(0, at)).allMatch(NodeByNodeComparison.Row::withinTolerance);
    // The same payload at the conformance suite's float tolerance: every node agrees.
    NodeByNodeComparison loose = NodeByNodeComparison.run(FIXTURES.resolve("attention/attention.xnnpack.bpte"),
        List.of(), "forward", 0, 1e-4, 1e-5, null);
    assertThat(loose.firstDifference()).isNull();
    assertThat(loose.rows()).hasSameSizeAs(c.rows());
  }
}
