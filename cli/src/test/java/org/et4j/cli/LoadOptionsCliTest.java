package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The loading options on the command line: they reach the program, and bad ones say what is allowed. */
class LoadOptionsCliTest {
  private static final String DIGITS =
      Path.of(System.getProperty("et4j.repo.dir", ".."))
          .resolve("conformance/fixtures/digits_cnn/digits_cnn.portable.pte")
          .toString();

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void minimalVerificationReadIntoMemoryWithACapRuns() {
    Result r = run("run", DIGITS, "--random", "0", "--verification", "minimal", "--file-access", "read",
        "--max-planned-memory", "1G");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("output 0");
  }

  @Test
  void badValuesNameTheOptionAndTheAllowedValues() {
    Result r = run("inspect", DIGITS, "--verification", "strict");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("verification must be one of [full, minimal], got 'strict'");
    r = run("inspect", DIGITS, "--file-access", "mmap");
    assertThat(r.err()).contains("fileAccess must be one of [map, read], got 'mmap'");
    r = run("run", DIGITS, "--random", "0", "--max-planned-memory", "-5");
    assertThat(r.err()).contains("--max-planned-memory needs a positive number of bytes");
  }

  @Test
  void aCapBelowThePlanSaysWhatItNeeds() {
    Result r = run("run", DIGITS, "--random", "0", "--max-planned-memory", "100");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("maxPlannedMemory: method 'forward' plans").contains("allowed values are at least");
  }
}
