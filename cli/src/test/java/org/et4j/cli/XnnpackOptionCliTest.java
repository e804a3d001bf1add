package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code --xnnpack java|native|auto} and {@code --xnnpack-native PATH} reach the XNNPACK backend. */
class XnnpackOptionCliTest {
  private static final String MLP = Path.of(System.getProperty("et4j.repo.dir", ".."))
      .resolve("conformance/fixtures/mlp/mlp.xnnpack.bpte").toString();

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void nativeWithoutTheLibraryIsOneClearError() {
    Result r = run("run", MLP, "--random", "0", "--xnnpack", "native", "--xnnpack-native", "/nonexistent/executorch/lib");
    assertThat(r.status()).isNotZero();
    assertThat(r.err().lines().filter(l -> !l.isBlank()).count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("NotFound").contains("/nonexistent/executorch/lib")
        .contains("pip install executorch==1.5.1");
  }

  @Test
  void anUnknownModeIsAUsageError() {
    Result r = run("run", MLP, "--random", "0", "--xnnpack", "fast");
    assertThat(r.status()).isNotZero();
    assertThat(r.err()).contains("--xnnpack must be java, native or auto, got 'fast'");
  }

  @Test
  void autoWithoutTheLibraryRunsOnJava() {
    Result r = run("run", MLP, "--random", "0", "--xnnpack", "auto", "--xnnpack-native", "/nonexistent");
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("output 0");
  }

  @Test
  void nativeRunsWhenPointedAtAPythonEnvironmentWithTheWheel() {
    String venv = System.getProperty("et4j.xnnpack.native.venv", "");
    Assumptions.assumeTrue(!venv.isEmpty() && Files.isDirectory(Path.of(venv, "lib")),
        "no ExecuTorch virtualenv here (-Det4j.xnnpack.native.venv), so native XNNPACK is not run");
    Result r = run("run", MLP, "--random", "0", "--xnnpack", "native", "--xnnpack-native", venv);
    assertThat(r.err()).isEmpty();
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("output 0");
  }
}
