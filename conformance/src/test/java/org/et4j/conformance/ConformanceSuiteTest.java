package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every conformance fixture through et4j and compares with ExecuTorch's outputs. Each case
 * is one test: it passes when every bundled test case matches; a case on the known-gaps list that
 * fails is reported as skipped with its reason (never as passed); a listed case that passes fails
 * until it is taken off the list; a case the exporter could not produce is reported as skipped
 * with the exporter's error. Prints {@code N passed, M failed, K known gaps} and writes
 * {@code conformance/target/conformance-report.md}.
 */
class ConformanceSuiteTest {
  private static final Path ROOT = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance");
  private static final KnownGaps GAPS = KnownGaps.read(ROOT.resolve("known-gaps.txt"));
  private static final List<ConformanceReport.Row> ROWS = new ArrayList<>();
  private static int passed;
  private static int failed;
  private static int knownGaps;
  private static int notExported;

  static List<Path> fixtureFolders() {
    List<Path> folders = new ArrayList<>(List.of(ROOT.resolve("fixtures")));
    if (Boolean.getBoolean("et4j.conformance.large")) {
      Path large = ROOT.resolve("fixtures-large");
      if (!Files.exists(large.resolve("manifest.json"))) {
        throw new IllegalStateException(
            "the large profile needs " + large + "/manifest.json: run conformance/python/generate.sh --large first");
      }
      folders.add(large);
    }
    return folders;
  }

  @TestFactory
  Stream<DynamicTest> everyFixtureMatchesExecuTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path folder : fixtureFolders()) {
      for (FixtureCase fc : Manifest.read(folder)) {
        tests.add(DynamicTest.dynamicTest(fc.id(), () -> check(fc)));
      }
    }
    assertThat(tests).as("conformance fixtures in " + ROOT).isNotEmpty();
    return tests.stream();
  }

  private static void check(FixtureCase fc) {
    if (fc.skipped() != null) {
      synchronized (ROWS) {
        notExported++;
        ROWS.add(new ConformanceReport.Row(fc, "not exported", null, fc.skipped()));
      }
      Assumptions.abort("not exported by the ExecuTorch toolchain: " + firstLine(fc.skipped()));
    }
    CaseOutcome o = ConformanceRunner.run(fc);
    KnownGaps.Gap gap = GAPS.gap(fc.id());
    // A known gap covers only its own error: failing for any other reason is a failure.
    boolean explained = gap != null && !o.passed() && gap.explains(o.detail());
    synchronized (ROWS) {
      if (o.passed() && gap != null) {
        failed++;
        ROWS.add(new ConformanceReport.Row(fc, "FAILED (passes but is on the known-gaps list)", o, gap.toString()));
      } else if (o.passed()) {
        passed++;
        ROWS.add(new ConformanceReport.Row(fc, "passed", o, ""));
      } else if (explained) {
        knownGaps++;
        ROWS.add(new ConformanceReport.Row(fc, "known gap", o, gap + " — " + o.detail()));
      } else if (gap != null) {
        failed++;
        ROWS.add(new ConformanceReport.Row(fc, "FAILED (not its known gap: " + gap.code() + " " + gap.subject() + ")",
            o, o.detail()));
      } else {
        failed++;
        ROWS.add(new ConformanceReport.Row(fc, "FAILED", o, o.detail()));
      }
    }
    if (o.passed() && gap != null) {
      fail(fc.id() + " passes now: take it off conformance/known-gaps.txt");
    }
    if (explained) {
      Assumptions.abort("known gap (" + gap + "): " + firstLine(o.detail()));
    }
    if (gap != null) {
      fail(fc.id() + " fails, but not with its known gap (" + gap.code() + " naming " + gap.subject() + "): "
          + o.detail());
    }
    if (!o.passed()) {
      fail(fc.id() + ": " + (o.cases() - o.failedCases()) + "/" + o.cases() + " test cases passed; " + o.detail());
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @AfterAll
  static void report() {
    String summary = String.format(Locale.ROOT, "%d passed, %d failed, %d known gaps (%d not exported)",
        passed, failed, knownGaps, notExported);
    System.out.println("conformance: " + summary);
    System.out.println("conformance: dequantized outputs: " + ConformanceRunner.STEP_STATS.summary());
    ConformanceReport.write(ROOT.resolve("target/conformance-report.md"), ROWS, summary);
  }
}
