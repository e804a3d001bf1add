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

  /**
   * The bound for an unmutated real program: it must execute, not beat the mutants' tight
   * deadline on a loaded machine.
   */
  private static final java.time.Duration UNMUTATED_DEADLINE = java.time.Duration.ofSeconds(60);

  @Test
  void mutantsExecutedWithRealKernelsFailCleanlyFastAndSmall() throws InterruptedException {
    List<Target> targets = RealPrograms.all();
    Map<String, RealKernelHarness.Outcome> unmutated = new TreeMap<>();
    for (Target t : targets) {
      // Warm up (class loading and JIT are not the cases' time), and see that each real program gets far.
      unmutated.put(t.name(),
          RealKernelHarness.exercise(t.program(), t.ptd(), t.inputs(), 0, new TreeMap<>(), UNMUTATED_DEADLINE));
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
      Map<ErrorCode, Integer> codes = new TreeMap<>();
      assertThat(RealKernelHarness.exercise(t.program(), t.ptd(), t.inputs(), 0, codes, UNMUTATED_DEADLINE))
          .as(t.name() + " (errors raised: " + codes + ")")
          .isEqualTo(RealKernelHarness.Outcome.EXECUTED);
    }
  }

  /**
   * The kernel and interpreter bugs this test found, replayed as exact edits: each was a stray
   * Java exception wrapped as Internal and is now a precise error.
   */
  @Test
  void foundCasesFailPrecisely() {
    // add.out's out pointed at a constant: the kernel's write hit the read-only file view.
    assertFails("upstream/module_linear_no_constant_segment.pte", "plan 0 chain 0 instruction 1 kernel args[3]", 1,
        ErrorCode.INVALID_PROGRAM, "writes into argument 3 float32[2, 2], a constant of the program (read-only)");
    // _to_dim_order_copy's out pointed at a constant: caught where the kernel resizes its out.
    assertFails("mul2/mul2.portable.bpte", "plan 0 chain 0 instruction 0 kernel args[3]", 0,
        ErrorCode.INVALID_ARGUMENT, "is a constant of the program and cannot be written");
    // any.out's dim set to Long.MAX_VALUE: Math.toIntExact threw ArithmeticException at bind.
    assertFails("attention/attention.xnnpack-qd8.bpte", "plan 0 value 87 int", Long.MAX_VALUE,
        ErrorCode.INVALID_ARGUMENT, "aten::any.out: dim 9223372036854775807 is out of range");
  }

  private static void assertFails(String targetName, String where, long value, ErrorCode code, String message) {
    Target t = RealPrograms.all().stream().filter(x -> x.name().equals(targetName)).findFirst().orElseThrow();
    ProgramSites.Site site = t.sites().sites.stream().filter(x -> x.where().equals(where)).findFirst()
        .orElseThrow(() -> new AssertionError("no site '" + where + "' in " + targetName));
    byte[] b = t.program().clone();
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    if (site.kind().width == 8) {
      bb.putLong(site.pos(), value);
    } else {
      bb.putInt(site.pos(), (int) value);
    }
    Map<ErrorCode, Integer> codes = new TreeMap<>();
    System.setProperty("et4j.reliability.verbose", "true");
    try {
      RealKernelHarness.exercise(b, t.ptd(), t.inputs(), 0, codes);
    } finally {
      System.clearProperty("et4j.reliability.verbose");
    }
    assertThat(codes).as(targetName + " " + where + " := " + value).containsKey(code);
    org.et4j.runtime.ExecuTorchException e = null;
    try (org.et4j.runtime.Program p = org.et4j.runtime.Program.load(b, t.ptd())) {
      try (org.et4j.runtime.Method m = p.loadMethod("forward")) {
        m.setInputs(t.inputs().get("forward") != null ? t.inputs().get("forward").toArray(org.et4j.runtime.EValue[]::new)
            : zeros(m));
        m.execute();
      }
    } catch (org.et4j.runtime.ExecuTorchException x) {
      e = x;
    }
    assertThat(e).as(targetName + " " + where).isNotNull();
    assertThat(e.errorCode()).isEqualTo(code);
    assertThat(e.getMessage()).contains(message);
  }

  private static org.et4j.runtime.EValue[] zeros(org.et4j.runtime.Method m) {
    return m.meta().inputs().stream()
        .map(i -> org.et4j.runtime.EValue.from(org.et4j.runtime.Tensor.zeros(i.tensor().dtype(),
            i.tensor().sizes().stream().mapToLong(Integer::longValue).toArray())))
        .toArray(org.et4j.runtime.EValue[]::new);
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
