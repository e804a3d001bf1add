package org.et4j.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.et4j.runtime.hostile.HostileFiles.Target;
import org.et4j.runtime.hostile.HostileFiles.Victim;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every prefix of every small real file (lengths 0 to n-1), and of a .ptd with its program: each
 * is loaded and, as far as it gets, has its methods described, bound, fed and executed. Only
 * ExecuTorchException may come out (see {@link HostileHarness}).
 */
class HostileTruncationTest {
  @BeforeAll
  static void limits() {
    HostileHarness.init();
  }

  @Test
  void everyPrefixOfEveryFileFailsCleanly() throws InterruptedException {
    List<Target> targets = HostileFiles.targets();
    for (Target t : targets) {
      t.exercise(t.victimBytes()); // warm up: class loading and JIT are not the cases' time
    }
    long[] starts = new long[targets.size() + 1];
    for (int t = 0; t < targets.size(); t++) {
      starts[t + 1] = starts[t] + targets.get(t).victimBytes().length;
    }
    CaseRunner runner = new CaseRunner();
    runner.run(
        starts[targets.size()],
        i -> {
          int t = 0;
          while (i >= starts[t + 1]) {
            t++;
          }
          Target target = targets.get(t);
          int length = (int) (i - starts[t]);
          return new CaseRunner.Case(
              target + " truncated to " + length + " of " + target.victimBytes().length + " bytes",
              () -> exerciseTruncated(target, length));
        },
        20_000);
    System.out.println(runner.summary("truncation"));
    runner.assertClean("truncation");
    // Prefixes never run to the end (every file's last bytes matter), but each one got an answer.
    assertThat(runner.cases).isEqualTo(starts[targets.size()]);
  }

  /** Views, not copies: a prefix of the victim with the other file intact. */
  private static HostileHarness.Outcome exerciseTruncated(Target target, int length) {
    MemorySegment cut = MemorySegment.ofArray(target.victimBytes()).asSlice(0, length);
    if (target.victim() == Victim.PROGRAM) {
      return target.data() == null
          ? HostileHarness.exercise(cut)
          : HostileHarness.exercise(cut, MemorySegment.ofArray(target.data()));
    }
    return HostileHarness.exercise(MemorySegment.ofArray(target.program()), cut);
  }
}
