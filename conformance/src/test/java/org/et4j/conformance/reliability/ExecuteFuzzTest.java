package org.et4j.conformance.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.TreeMap;
import org.et4j.conformance.reliability.RealPrograms.Target;

/**
 * Jazzer targets for load-and-execute with the real kernels and backends
 * ({@link RealKernelHarness}). Run by {@code ./mvnw verify} in regression mode: every seed in
 * {@code src/test/resources/org/et4j/conformance/reliability/ExecuteFuzzTestInputs/<method>/}
 * is replayed. With {@code JAZZER_FUZZ=1} Jazzer mutates them (see the README beside this class).
 * A finding is anything but an ExecuTorchException with a message.
 */
class ExecuteFuzzTest {
  static {
    System.setProperty("et4j.maxPlannedMemory", Long.toString(RealKernelHarness.MAX_PLANNED_BYTES));
  }

  /** A whole .pte from Jazzer's bytes, executed on random inputs. */
  @FuzzTest(maxDuration = "10m")
  void programBytes(byte[] pte) {
    RealKernelHarness.exercise(pte, new byte[0][], java.util.Map.of(), 0, new TreeMap<>());
  }

  /**
   * A real program (the first byte picks which) with up to eight of its sites (shapes, dtypes,
   * dim orders, scalars, value indices, offsets; {@link ProgramSites}) overwritten by Jazzer's
   * values, executed on its bundle's inputs: Jazzer's coverage feedback steers the values
   * towards new kernel paths.
   */
  @FuzzTest(maxDuration = "10m")
  void realProgramSites(FuzzedDataProvider data) {
    List<Target> targets = RealPrograms.all();
    Target t = targets.get(data.consumeInt(0, targets.size() - 1));
    List<ProgramSites.Site> sites = t.sites().sites;
    byte[] b = t.program().clone();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int edits = data.consumeInt(1, 8);
    for (int e = 0; e < edits && !sites.isEmpty() && data.remainingBytes() > 0; e++) {
      ProgramSites.Site s = sites.get(data.consumeInt(0, sites.size() - 1));
      switch (s.kind().width) {
        case 1 -> bb.put(s.pos(), data.consumeByte());
        case 4 -> bb.putInt(s.pos(), data.consumeInt());
        default -> bb.putLong(s.pos(), data.consumeLong());
      }
    }
    RealKernelHarness.exercise(b, t.ptd(), t.inputs(), 0, new TreeMap<>());
  }
}
