package org.et4j.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.et4j.conformance.reliability.RealPrograms.Target;
import org.et4j.runtime.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile programs through the real kernels: every committed conformance program and
 * ExecuTorch's sample files, with shapes, dtypes, dim orders, scalar arguments, value indices,
 * operator indices, jump targets, instruction order, memory ids and offsets and buffer sizes
 * rewritten ({@link ProgramMutant}), loaded and executed with the default kernel and backend
 * registries on the bundle's inputs or random ones ({@link RealKernelHarness}). Only
 * ExecuTorchException may come out, no case takes more than a second of CPU, the heap stays
 * bounded.
 *
 * <p>Case {@code i} damages target {@code i % targets} with the stream seeded {@code seed + i}.
 * {@code -Det4j.reliability.mutants=N} sets the count (10,000 in {@code verify}; the {@code soak}
 * profile runs 100,000), {@code -Det4j.reliability.seed=N} the seed, and
 * {@code -Det4j.reliability.replay=<target>:<seed>} replays one case ({@link #replay}).
 */
class ExecutedMutationTest {
  static final long SEED = Long.getLong("et4j.reliability.seed", 0x5EED_E4EC_0001L);
  static final long MUTANTS = Long.getLong("et4j.reliability.mutants", 10_000);
  private static String savedLimit;

  @BeforeAll
  static void limitPlannedMemory() {
    savedLimit = System.getProperty("et4j.maxPlannedMemory");
    System.setProperty("et4j.maxPlannedMemory", Long.toString(RealKernelHarness.MAX_PLANNED_BYTES));
  }

  @AfterAll
  static void restore() {
    if (savedLimit == null) {
      System.clearProperty("et4j.maxPlannedMemory");
    } else {
      System.setProperty("et4j.maxPlannedMemory", savedLimit);
    }
  }

  @Test
  void mutantsExecutedWithRealKernelsFailCleanlyFastAndSmall() throws InterruptedException {
    List<Target> targets = RealPrograms.all();
    Map<String, RealKernelHarness.Outcome> unmutated = new TreeMap<>();
    for (Target t : targets) {
      // Warm up (class loading and JIT are not the cases' time), and see that each real program gets far.
      unmutated.put(t.name(), RealKernelHarness.exercise(t.program(), t.ptd(), t.inputs(), 0, new TreeMap<>()));
    }
    WatchedCases runner = new WatchedCases();
    runner.run(MUTANTS, i -> {
      int ti = (int) (i % targets.size());
      long seed = SEED + i;
      Target target = targets.get(ti);
      ProgramMutant m = ProgramMutant.of(target.program(), target.sites(), seed);
      return new WatchedCases.Case("case " + i + ": target " + ti + " (" + target + "), seed " + seed
          + " [replay: -Det4j.reliability.replay=" + ti + ":" + seed + "]: " + m.description(),
          () -> RealKernelHarness.exercise(m.bytes(), target.ptd(), target.inputs(), seed, runner.codes));
    });
    System.out.println("targets: " + targets.size() + ", unmutated outcomes: " + unmutated);
    System.out.println(runner.summary("executed mutants"));
    runner.assertClean("executed mutants");
    assertThat(runner.cases).isEqualTo(MUTANTS);
    // The test proves nothing unless many mutants reach the kernels, and some run through.
    Map<RealKernelHarness.Outcome, Integer> o = new EnumMap<>(runner.outcomes);
    int reachedKernels = o.getOrDefault(RealKernelHarness.Outcome.EXECUTED, 0)
        + o.getOrDefault(RealKernelHarness.Outcome.FAILED_IN_EXECUTE, 0);
    assertThat(reachedKernels).isGreaterThan((int) (MUTANTS / 4));
    assertThat(o.getOrDefault(RealKernelHarness.Outcome.FAILED_IN_EXECUTE, 0)).isPositive();
    assertThat(runner.codes).containsKey(ErrorCode.INVALID_ARGUMENT);
  }

  /** The real programs themselves run through: otherwise their mutants would prove little. */
  @Test
  void everyRealProgramExecutes() {
    for (Target t : RealPrograms.all()) {
      if (t.name().contains("cortex_m") || t.name().contains("qnn")) {
        continue; // their operators and backend are not in et4j: loading lists what is missing
      }
      assertThat(RealKernelHarness.exercise(t.program(), t.ptd(), t.inputs(), 0, new TreeMap<>()))
          .as(t.name())
          .isEqualTo(RealKernelHarness.Outcome.EXECUTED);
    }
  }

  /** Replays one case named by a failure message. */
  @Test
  void replay() {
    String spec = System.getProperty("et4j.reliability.replay");
    assumeTrue(spec != null, "set -Det4j.reliability.replay=<target>:<seed> to replay one mutant");
    String[] parts = spec.split(":");
    Target target = RealPrograms.all().get(Integer.parseInt(parts[0]));
    long seed = Long.parseLong(parts[1]);
    ProgramMutant m = ProgramMutant.of(target.program(), target.sites(), seed);
    System.out.println("replaying " + target + ": " + m.description());
    System.setProperty("et4j.reliability.verbose", "true");
    Map<ErrorCode, Integer> codes = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      RealKernelHarness.Outcome outcome = RealKernelHarness.exercise(m.bytes(), target.ptd(), target.inputs(), seed, codes);
      System.out.printf("%s in %.1f ms%n", outcome, (System.nanoTime() - t0) / 1e6);
    }
  }
}
