package org.et4j.runtime.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer targets for the three file kinds. Run by {@code ./mvnw verify} in regression mode: each
 * seed in {@code src/test/resources/org/et4j/runtime/hostile/HostileFuzzTestInputs/<method>/}
 * (small real files, and the inputs that once broke the loader) goes through
 * {@link HostileHarness}. With {@code JAZZER_FUZZ=1} Jazzer mutates them; see README.md beside
 * this class.
 *
 * <p>A finding is anything but an ExecuTorchException: the harness raises those as
 * {@link HostileHarness.HostileFailure}.
 */
class HostileFuzzTest {
  static {
    HostileHarness.init();
  }

  /** The program whose weights live in the .ptd under test. */
  private static final byte[] PROGRAM_OF_DATA = programOfData();

  private static byte[] programOfData() {
    Path bundle = HostileFiles.mlpPtdBundle();
    if (Files.exists(bundle)) {
      return HostileFiles.programOfBundle(HostileFiles.read(bundle));
    }
    return HostileSeedsTest.externalDataProgram();
  }

  /** A .pte (or anything offered as one). */
  @FuzzTest(maxDuration = "5m")
  void programBytes(byte[] pte) {
    HostileHarness.exercise(pte);
  }

  /** A .ptd given with the MLP program that reads its weights from it. */
  @FuzzTest(maxDuration = "5m")
  void externalDataBytes(byte[] ptd) {
    HostileHarness.exercise(PROGRAM_OF_DATA, ptd);
  }

  /** A .bpte: the bundle and the program inside it. */
  @FuzzTest(maxDuration = "5m")
  void bundledProgramBytes(byte[] bpte) {
    HostileHarness.exercise(bpte);
  }
}
