package org.et4j.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.et4j.runtime.hostile.HostileFiles.Target;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded random damage to small real files: bit flips, byte overwrites, and 16-, 32- and 64-bit
 * words at aligned offsets set to the values that break arithmetic (0, 1, sign bits, all ones,
 * the file size and its neighbours). Each damaged file goes through {@link HostileHarness}: only
 * ExecuTorchException may escape, no case may take a second, and memory stays bounded.
 *
 * <p>Case {@code i} uses target {@code i % targets} and the random stream seeded with
 * {@code seed + i}, so a failure message's target and seed replay it alone:
 * {@code -Det4j.hostile.replay=<target index>:<seed>} runs {@link #replay}.
 */
class HostileMutationTest {
  static final long SEED = Long.getLong("et4j.hostile.seed", 0xE74A_5EEDL);
  static final int CASES = Integer.getInteger("et4j.hostile.mutations", 40_000);

  @BeforeAll
  static void limits() {
    HostileHarness.init();
  }

  @Test
  void seededMutationsFailCleanlyFastAndSmall() throws InterruptedException {
    List<Target> targets = HostileFiles.targets();
    for (Target t : targets) {
      t.exercise(t.victimBytes()); // warm up: class loading and JIT are not the cases' time
    }
    CaseRunner runner = new CaseRunner();
    runner.run(
        CASES,
        i -> {
          int t = (int) (i % targets.size());
          long seed = SEED + i;
          Target target = targets.get(t);
          Mutant m = Mutant.of(target, seed);
          return new CaseRunner.Case(
              "case " + i + ": target " + t + " (" + target + "), seed " + seed + " [replay: -Det4j.hostile.replay=" + t + ":"
                  + seed + "]: " + m.description(),
              () -> target.exercise(m.bytes()));
        },
        2_000);
    System.out.println(runner.summary("mutations"));
    runner.assertClean("mutations");
    assertThat(runner.cases).isGreaterThanOrEqualTo(20_000);
  }

  /** Replays one case named by a failure message. */
  @Test
  void replay() {
    String spec = System.getProperty("et4j.hostile.replay");
    assumeTrue(spec != null, "set -Det4j.hostile.replay=<target>:<seed> to replay one mutation");
    String[] parts = spec.split(":");
    Target target = HostileFiles.targets().get(Integer.parseInt(parts[0]));
    Mutant m = Mutant.of(target, Long.parseLong(parts[1]));
    System.out.println("replaying " + target + ": " + m.description());
    long t0 = System.nanoTime();
    HostileHarness.Outcome outcome = target.exercise(m.bytes());
    System.out.printf("%s in %.1f ms%n", outcome, (System.nanoTime() - t0) / 1e6);
  }

  /** A damaged copy of a target's victim file and what was done to it. */
  record Mutant(byte[] bytes, String description) {
    static Mutant of(Target target, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      byte[] b = target.victimBytes().clone();
      StringBuilder what = new StringBuilder();
      int edits = r.nextInt(8) == 0 ? 2 + r.nextInt(3) : 1;
      for (int e = 0; e < edits; e++) {
        if (e > 0) {
          what.append("; ");
        }
        mutate(b, target.hotEnd(), r, what);
      }
      return new Mutant(b, what.toString());
    }

    /** One edit, mostly inside the hot region (headers and flatbuffer). */
    private static void mutate(byte[] b, int hotEnd, SplittableRandom r, StringBuilder what) {
      int span = r.nextInt(10) < 9 ? Math.min(hotEnd, b.length) : b.length;
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      switch (r.nextInt(6)) {
        case 0 -> {
          int at = r.nextInt(span);
          int bit = r.nextInt(8);
          b[at] ^= (byte) (1 << bit);
          what.append("flip bit ").append(bit).append(" @").append(at);
        }
        case 1 -> {
          int at = r.nextInt(span);
          int v = r.nextInt(256);
          b[at] = (byte) v;
          what.append("byte @").append(at).append(" := ").append(v);
        }
        case 2 -> {
          if (span < 2) {
            what.append("no-op");
            return;
          }
          int at = r.nextInt(span / 2) * 2;
          int[] extremes = {0, 1, 0x7FFF, 0x8000, 0xFFFF, r.nextInt(64), b.length & 0xFFFF};
          int v = extremes[r.nextInt(extremes.length)];
          bb.putShort(at, (short) v);
          what.append("u16 @").append(at).append(" := ").append(v);
        }
        case 3, 4 -> {
          if (span < 4) {
            what.append("no-op");
            return;
          }
          int at = r.nextInt(span / 4) * 4;
          int size = b.length;
          int[] extremes = {
            0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, size, size - 1, size + 1, size - 4, size + 4, 16, 17, -16,
            r.nextInt(size + 1)
          };
          int v = extremes[r.nextInt(extremes.length)];
          bb.putInt(at, v);
          what.append("u32 @").append(at).append(" := 0x").append(Integer.toHexString(v));
        }
        default -> {
          if (span < 8) {
            what.append("no-op");
            return;
          }
          int at = r.nextInt(span / 8) * 8;
          long size = b.length;
          long[] extremes = {
            0, 1, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0x7FFFFFFFL, 0xFFFFFFFFL, 0x80000000L, size, size - 1, size + 1,
            size - 8, size + 8, 1L << 32, r.nextLong(size + 1)
          };
          long v = extremes[r.nextInt(extremes.length)];
          bb.putLong(at, v);
          what.append("u64 @").append(at).append(" := 0x").append(Long.toHexString(v));
        }
      }
    }
  }
}
