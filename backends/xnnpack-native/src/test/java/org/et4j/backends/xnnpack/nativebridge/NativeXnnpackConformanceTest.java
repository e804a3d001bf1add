package org.et4j.backends.xnnpack.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.et4j.conformance.CaseOutcome;
import org.et4j.conformance.ConformanceRunner;
import org.et4j.conformance.FixtureCase;
import org.et4j.conformance.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every XNNPACK conformance case, run through the native XNNPACK library instead of et4j's Java
 * operators, against the outputs the ExecuTorch runtime produced, with the same tolerances as the
 * conformance suite. Needs the ExecuTorch wheel: the build points {@code et4j.xnnpack.native.venv}
 * at the conformance virtualenv; where it is absent (CI) each case is skipped, not passed.
 */
class NativeXnnpackConformanceTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("et4j.repo.dir", "../..")).resolve("conformance/fixtures");
  private static String previousMode;

  @BeforeAll
  static void runXnnpackNatively() {
    previousMode = System.getProperty("et4j.xnnpack");
    System.setProperty("et4j.xnnpack", "native");
  }

  @AfterAll
  static void restore() {
    if (previousMode == null) {
      System.clearProperty("et4j.xnnpack");
    } else {
      System.setProperty("et4j.xnnpack", previousMode);
    }
  }

  /** Why the native library cannot be used here, or null when it can. */
  static String libraryUnavailable() {
    try {
      NativeXnnpackBridge.library(null);
      return null;
    } catch (org.et4j.runtime.ExecuTorchException e) {
      return e.getMessage();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyXnnpackCaseMatchesExecuTorchThroughNativeXnnpack() {
    List<DynamicTest> tests = new ArrayList<>();
    for (FixtureCase fc : Manifest.read(FIXTURES)) {
      if (fc.skipped() == null && fc.delegates().contains("XnnpackBackend") && Files.exists(fc.bpte())) {
        tests.add(DynamicTest.dynamicTest(fc.id(), () -> check(fc)));
      }
    }
    assertThat(tests).as("XNNPACK conformance cases in " + FIXTURES).hasSizeGreaterThanOrEqualTo(20);
    return tests.stream();
  }

  private static void check(FixtureCase fc) {
    String why = libraryUnavailable();
    Assumptions.assumeTrue(why == null, () -> "native XNNPACK is not available here, so not run: " + why);
    long before = NativeXnnRuntime.executed();
    CaseOutcome o = ConformanceRunner.run(fc);
    assertThat(o.passed()).as(fc.id() + " through native XNNPACK: " + o.detail()).isTrue();
    assertThat(NativeXnnRuntime.executed()).as("native XNNPACK executions for " + fc.id()).isGreaterThan(before);
  }
}
