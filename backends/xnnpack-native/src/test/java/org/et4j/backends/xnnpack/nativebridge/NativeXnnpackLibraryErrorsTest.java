package org.et4j.backends.xnnpack.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a program asking for native XNNPACK gets when the library is missing, is not XNNPACK, or
 * is another XNNPACK build: one ExecuTorchException at method load that says what to install or
 * set, never a JVM crash. Needs no native XNNPACK, so it runs everywhere.
 */
class NativeXnnpackLibraryErrorsTest {
  private static final Path MLP = Path.of(System.getProperty("et4j.repo.dir", "../.."))
      .resolve("conformance/fixtures/mlp/mlp.xnnpack.bpte");

  private static ExecuTorchException loadFails(LoadOptions options) {
    try (Program program = Program.load(MLP, options)) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> program.loadMethod("forward").close());
      assertThat(t).isInstanceOf(ExecuTorchException.class);
      return (ExecuTorchException) t;
    }
  }

  private static LoadOptions nativeAt(String path) {
    return LoadOptions.builder().backendOption("xnnpack", "native").backendOption("xnnpack.native.path", path).build();
  }

  @Test
  void aMissingLibraryFailsWithNotFoundSayingWhatToInstallAndSet(@TempDir Path dir) {
    ExecuTorchException e = loadFails(nativeAt(dir.resolve("nowhere").toString()));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("nowhere").contains("does not exist")
        .contains("pip install executorch==1.5.1").contains("-Det4j.xnnpack.native.path");
  }

  @Test
  void aPythonEnvironmentWithoutTheWheelFailsWithNotFoundNamingWhereItLooked(@TempDir Path venv) throws Exception {
    Files.createDirectories(venv.resolve("lib/python3.11/site-packages"));
    ExecuTorchException e = loadFails(LoadOptions.builder().backendOption("xnnpack", "native")
        .backendOption("xnnpack.native.venv", venv.toString()).build());
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("no libexecutorch_backend_xnnpack.so under the Python environment")
        .contains("python3.11/site-packages/executorch/lib");
  }

  @Test
  void aFileThatIsNotALibraryFailsWithNotFound(@TempDir Path dir) throws Exception {
    Path fake = Files.writeString(dir.resolve(XnnLibrary.LIBRARY), "not an ELF file");
    ExecuTorchException e = loadFails(nativeAt(dir.toString()));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(e.getMessage()).contains("cannot load " + fake).contains("pip install executorch==1.5.1");
  }

  @Test
  void aLibraryThatIsNotXnnpackFailsWithNotSupportedNamingWhatItLacks() {
    // The JDK's own libjava.so: a real shared library, without any of XNNPACK's functions.
    Path notXnnpack = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
    ExecuTorchException e = loadFails(nativeAt(notXnnpack.toString()));
    assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED);
    assertThat(e.getMessage()).contains("does not export").contains("xnn_create_subgraph")
        .contains("not the XNNPACK (commit 92a7ad501b)");
  }

  @Test
  void anotherXnnpackBuildIsRefusedUnlessAllowed() {
    Path lib = Path.of("/opt/other/libexecutorch_backend_xnnpack.so");
    assertThatThrownBy(() -> XnnLibrary.checkBuildIdentifier(lib, "00ff", false))
        .isInstanceOfSatisfying(ExecuTorchException.class, e -> {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED);
          assertThat(e.getMessage()).contains("build identifier 00ff").contains(XnnLibrary.ALLOW_UNVERIFIED)
              .contains("pip install executorch==1.5.1");
        });
    XnnLibrary.checkBuildIdentifier(lib, "00ff", true);
    XnnLibrary.checkBuildIdentifier(lib, XnnLibrary.KNOWN_BUILD_IDENTIFIERS.get(0), false);
  }

  @Test
  void autoRunsOnEt4jsJavaOperatorsWhenTheLibraryIsMissing(@TempDir Path dir) {
    LoadOptions auto = LoadOptions.builder().backendOption("xnnpack", "auto")
        .backendOption("xnnpack.native.path", dir.resolve("nowhere").toString()).build();
    long nativeRuns = NativeXnnRuntime.executed();
    try (BundledProgram bundle = BundledProgram.load(MLP);
        Program program = Program.load(MLP, auto);
        Method m = program.loadMethod("forward")) {
      for (BundledProgram.TestCase tc : bundle.testCases("forward")) {
        assertThat(BundledProgram.runCase(m, tc, 1e-4, 1e-5).passed()).isTrue();
      }
    }
    assertThat(NativeXnnRuntime.executed()).isEqualTo(nativeRuns);
  }

  @Test
  void anUnknownModeIsAnIllegalArgument() {
    try (Program program = Program.load(MLP, LoadOptions.builder().backendOption("xnnpack", "fast").build())) {
      assertThatThrownBy(() -> program.loadMethod("forward"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java, native or auto, got 'fast'");
    }
  }
}
