package org.et4j.runtime.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates test fixtures. Upstream files (written by ExecuTorch's own exporter) are read from the
 * shared folder beside the repository ({@code ../shared/fixtures/upstream}); they are not part of
 * the repository. In a clone without that folder, tests that need them are skipped with a message
 * saying so.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The repository root. */
  public static Path repo() {
    String p = System.getProperty("et4j.repo.dir");
    if (p != null) {
      return Path.of(p);
    }
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.exists(here.resolve("mvnw"))) {
      here = here.getParent();
    }
    return here == null ? Path.of("").toAbsolutePath() : here;
  }

  /** The shared folder beside the repository. */
  public static Path shared() {
    String p = System.getProperty("et4j.shared.dir");
    return p != null ? Path.of(p) : repo().resolve("../shared").normalize();
  }

  /** True when the upstream fixtures are present. */
  public static boolean hasUpstream() {
    return Files.isDirectory(shared().resolve("fixtures/upstream"));
  }

  /**
   * An upstream fixture; skips the calling test when ../shared is not present, except in CI
   * ({@code CI=true}), where ../shared is always beside the clone and its absence is an error.
   */
  public static Path upstream(String name) {
    Path p = shared().resolve("fixtures/upstream").resolve(name);
    if ("true".equals(System.getenv("CI")) && !Files.exists(p)) {
      throw new AssertionError("CI run without the upstream fixture " + p + " (../shared must be beside the clone)");
    }
    assumeTrue(
        Files.exists(p),
        "skipped: upstream fixture " + p + " is not present (it lives in ../shared beside the repository)");
    return p;
  }
}
