package org.et4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The Markdown report of a conformance run: one row per case. */
public final class ConformanceReport {
  /** One row: the case and its status (passed, FAILED, known gap, not exported, ...). */
  public record Row(FixtureCase fixture, String status, CaseOutcome outcome, String note) {}

  private ConformanceReport() {}

  public static void write(Path file, List<Row> rows, String summary) {
    StringBuilder sb = new StringBuilder();
    sb.append("# et4j conformance report\n\n");
    sb.append(summary).append("\n\n");
    sb.append("| case | variant | status | test cases | max abs error | max rel error | time (ms) | note |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      CaseOutcome o = r.outcome();
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
          r.fixture().model(), r.fixture().variant(), r.status(),
          o == null ? "" : (o.cases() - o.failedCases()) + "/" + o.cases(),
          o == null ? "" : String.format(Locale.ROOT, "%.3g", o.maxAbsError()),
          o == null ? "" : String.format(Locale.ROOT, "%.3g", o.maxRelError()),
          o == null ? "" : Long.toString(o.millis()),
          r.note() == null ? "" : r.note().replace("|", "\\|").replace("\n", " ")));
    }
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, sb.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
