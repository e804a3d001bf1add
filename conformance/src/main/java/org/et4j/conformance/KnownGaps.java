package org.et4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.et4j.runtime.ErrorCode;

/**
 * The cases et4j is known not to pass yet ({@code conformance/known-gaps.txt}), each with the one
 * failure it is known for. A line is {@code model.variant  Code  subject  reason}: {@code Code} is
 * an ExecuTorch error name ({@code OperatorMissing}, {@code NotSupported}, ...) or {@code
 * Mismatch} for outputs outside their tolerance; {@code subject} is the backend, operator or
 * output ({@code XnnpackBackend}, {@code aten::foo.out}, {@code output=1}), one word, that the
 * failure must name.
 * A listed case that fails with that error is a known gap; one that fails any other way, or
 * passes, fails the build.
 */
public final class KnownGaps {
  /** The mismatch pseudo-code: the method ran, and an output was outside its tolerance. */
  public static final String MISMATCH = "Mismatch";

  /**
   * One known gap.
   *
   * @param code an {@link ErrorCode} name as ExecuTorch spells it, or {@link #MISMATCH}
   * @param subject what the failure message must name
   * @param reason why et4j fails there
   */
  public record Gap(String code, String subject, String reason) {
    /** True when {@code failure} (a case's first failure message) is this gap's error. */
    public boolean explains(String failure) {
      String needle = subject.startsWith("output=") ? "output " + subject.substring(7) + ":" : subject;
      if (failure == null || !failure.contains(needle)) {
        return false;
      }
      boolean raised = failure.matches("(?s).*[A-Za-z]+ \\(0x[0-9a-f]+\\): .*");
      return code.equals(MISMATCH) ? !raised : failure.contains(code + " (0x");
    }

    @Override
    public String toString() {
      return code + " " + subject + ": " + reason;
    }
  }

  private final Map<String, Gap> gaps;

  private KnownGaps(Map<String, Gap> gaps) {
    this.gaps = Collections.unmodifiableMap(gaps);
  }

  public static KnownGaps read(Path file) {
    if (!Files.exists(file)) {
      return new KnownGaps(Map.of());
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses the list; a malformed line is an error that names it. */
  public static KnownGaps parse(String text, String where) {
    Map<String, Gap> m = new LinkedHashMap<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String l = lines[n].strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("\\s+", 4);
      if (parts.length < 4) {
        throw new IllegalStateException(
            where + " line " + (n + 1) + ": expected 'model.variant  Code  subject  reason', got '" + l + "'");
      }
      String code = parts[1];
      boolean known = code.equals(MISMATCH)
          || Arrays.stream(ErrorCode.values()).anyMatch(c -> c.toString().startsWith(code + " ("));
      if (!known) {
        throw new IllegalStateException(
            where + " line " + (n + 1) + ": '" + code + "' is neither an ExecuTorch error name nor " + MISMATCH);
      }
      if (m.put(parts[0], new Gap(code, parts[2], parts[3])) != null) {
        throw new IllegalStateException(where + " line " + (n + 1) + ": " + parts[0] + " is listed twice");
      }
    }
    return new KnownGaps(m);
  }

  public boolean contains(String id) {
    return gaps.containsKey(id);
  }

  /** The gap of case {@code id}, or null. */
  public Gap gap(String id) {
    return gaps.get(id);
  }

  public Map<String, Gap> all() {
    return gaps;
  }
}
