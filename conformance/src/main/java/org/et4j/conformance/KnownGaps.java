package org.et4j.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cases et4j is known not to pass yet, with the reason ({@code conformance/known-gaps.txt}:
 * one {@code model.variant  reason} per line, {@code #} comments). A listed case that fails is
 * reported as a known gap; a listed case that passes fails the build until it is taken off.
 */
public final class KnownGaps {
  private final Map<String, String> gaps;

  private KnownGaps(Map<String, String> gaps) {
    this.gaps = Collections.unmodifiableMap(gaps);
  }

  public static KnownGaps read(Path file) {
    Map<String, String> m = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file)) {
          String l = line.strip();
          if (l.isEmpty() || l.startsWith("#")) {
            continue;
          }
          String[] parts = l.split("\\s+", 2);
          m.put(parts[0], parts.length > 1 ? parts[1] : "");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new KnownGaps(m);
  }

  public boolean contains(String id) {
    return gaps.containsKey(id);
  }

  public String reason(String id) {
    return gaps.get(id);
  }

  public Map<String, String> all() {
    return gaps;
  }
}
