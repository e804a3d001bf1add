package org.et4j.backends.xnnpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.et4j.runtime.BundledProgram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Seeded damage to every real XNNPACK payload of the conformance fixtures: bit flips, byte
 * overwrites, 16/32/64-bit words set to the values that break arithmetic, and truncations. Each
 * damaged payload is swapped into its method at load (so the delegate gets the arguments
 * ExecuTorch would pass) and the bundle's first test case runs once. Only ExecuTorchException may
 * come out; no case may take more than a second of CPU; heap stays bounded.
 *
 * <p>Case {@code i} uses payload {@code i % payloads} and the random stream seeded with
 * {@code seed + i}: {@code -Det4j.xnn.replay=<payload index>:<seed>} runs {@link #replay}.
 * {@code -Det4j.xnn.mutations=N} sets the cases per payload, {@code -Det4j.xnn.seed=N} the seed.
 */
class XnnMutationTest {
  static final long SEED = Long.getLong("et4j.xnn.seed", 0x7A9E_5EEDL);
  static final int PER_PAYLOAD = Integer.getInteger("et4j.xnn.mutations", 60);
  static final long MAX_CASE_NANOS = 1_000_000_000L;
  static final long HANG_MILLIS = 20_000;
  static final long MAX_HEAP_AFTER_GC = 512L << 20;

  /** One payload, the open bundle its method lives in, and the test case that method runs. */
  record Target(XnnPayloadFixtures.Payload payload, BundledProgram bundle, BundledProgram.TestCase testCase) {
    XnnPayloadHarness.Outcome exercise(byte[] mutated) {
      return XnnPayloadHarness.inMethod(bundle.program(), payload.method(), payload.bytes(), mutated, testCase);
    }

    /** End of the header and flatbuffer: where nearly every mutation goes. */
    int hotEnd() {
      byte[] b = payload.bytes();
      if (b.length < 18 || b[4] != 'X' || b[5] != 'H') {
        return b.length;
      }
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      long end = Integer.toUnsignedLong(bb.getInt(10)) + Integer.toUnsignedLong(bb.getInt(14));
      return (int) Math.min(b.length, end);
    }

    @Override
    public String toString() {
      return payload.toString();
    }
  }

  private static final List<BundledProgram> OPEN = new ArrayList<>();
  private static List<Target> targets;

  @BeforeAll
  static void load() {
    XnnPayloadHarness.init();
    targets = new ArrayList<>();
    for (XnnPayloadFixtures.Payload p : XnnPayloadFixtures.all()) {
      BundledProgram bundle = BundledProgram.load(p.file(), p.ptd().toArray(Path[]::new));
      OPEN.add(bundle);
      List<BundledProgram.TestCase> cases =
          bundle.testedMethods().contains(p.method()) ? bundle.testCases(p.method()) : List.of();
      targets.add(new Target(p, bundle, cases.isEmpty() ? null : cases.get(0)));
    }
  }

  @AfterAll
  static void close() {
    OPEN.forEach(BundledProgram::close);
  }

  @Test
  void seededMutationsFailCleanlyFastAndSmall() throws InterruptedException {
    Map<XnnPayloadHarness.Outcome, Integer> unmutated = new EnumMap<>(XnnPayloadHarness.Outcome.class);
    for (Target t : targets) {
      // Warm up (class loading and JIT are not the cases' time), and record where the real payload gets.
      unmutated.merge(t.exercise(t.payload().bytes()), 1, Integer::sum);
    }
    long count = (long) PER_PAYLOAD * targets.size();
    Runner runner = new Runner();
    runner.run(count, i -> {
      int t = (int) (i % targets.size());
      long seed = SEED + i;
      Target target = targets.get(t);
      Mutant m = Mutant.of(target, seed);
      return new Case("case " + i + ": payload " + t + " (" + target + "), seed " + seed + " [replay: -Det4j.xnn.replay="
          + t + ":" + seed + "]: " + m.description(), () -> target.exercise(m.bytes()));
    });
    System.out.println("unmutated payloads: " + unmutated);
    System.out.println(runner.summary());
    runner.assertClean();
    assertThat(runner.cases).isEqualTo(count);
    // Not every mutant is rejected at init: the test would prove nothing if none got to execute.
    assertThat(runner.outcomes.getOrDefault(XnnPayloadHarness.Outcome.EXECUTED, 0)).isPositive();
  }

  /** Replays one case named by a failure message. */
  @Test
  void replay() {
    String spec = System.getProperty("et4j.xnn.replay");
    assumeTrue(spec != null, "set -Det4j.xnn.replay=<payload>:<seed> to replay one mutation");
    String[] parts = spec.split(":");
    Target target = targets.get(Integer.parseInt(parts[0]));
    Mutant m = Mutant.of(target, Long.parseLong(parts[1]));
    System.out.println("replaying " + target + ": " + m.description());
    System.setProperty("et4j.hostile.verbose", "true");
    // Three times, with the CPU time of each, so that a slow case can be told from a cold JIT.
    for (int i = 0; i < 3; i++) {
      long t0 = Runner.cpuTime();
      XnnPayloadHarness.Outcome outcome = target.exercise(m.bytes());
      System.out.printf("%s in %.1f ms CPU%n", outcome, (Runner.cpuTime() - t0) / 1e6);
    }
  }

  record Case(String description, java.util.function.Supplier<XnnPayloadHarness.Outcome> work) {}

  /** Runs the cases on a watched thread; keeps outcomes, failures, the slowest case and the heap. */
  static final class Runner {
    final Map<XnnPayloadHarness.Outcome, Integer> outcomes = new EnumMap<>(XnnPayloadHarness.Outcome.class);
    final List<String> failures = new ArrayList<>();
    long cases;
    long maxCaseNanos;
    String slowest = "";
    long maxHeap;
    long elapsed;
    private volatile String current;
    private volatile long currentStart;

    void run(long count, java.util.function.LongFunction<Case> factory) throws InterruptedException {
      long t0 = System.nanoTime();
      Thread worker = Thread.ofPlatform().daemon().name("xnn-mutations").unstarted(() -> {
        for (long i = 0; i < count; i++) {
          Case c = factory.apply(i);
          currentStart = System.nanoTime();
          current = c.description();
          long cpu = cpuTime();
          try {
            outcomes.merge(c.work().get(), 1, Integer::sum);
          } catch (Throwable t) {
            if (failures.size() < 10) {
              failures.add(c.description() + "\n    -> " + describe(t));
            }
          }
          long took = cpuTime() - cpu;
          // A case over the limit runs twice more and keeps its fastest time: on a two-vCPU machine
          // whose other hyperthread is busy, one case's CPU time can double; a really slow case
          // stays slow every time.
          for (int retry = 0; retry < 2 && took > MAX_CASE_NANOS; retry++) {
            long again = cpuTime();
            try {
              c.work().get();
            } catch (Throwable ignored) {
              // its outcome was recorded the first time
            }
            took = Math.min(took, cpuTime() - again);
          }
          if (took > maxCaseNanos) {
            maxCaseNanos = took;
            slowest = c.description();
          }
          cases++;
          if ((i + 1) % 500 == 0) {
            heap();
          }
        }
        current = null;
      });
      worker.start();
      while (worker.isAlive()) {
        worker.join(100);
        String c = current;
        if (c != null && worker.isAlive() && System.nanoTime() - currentStart > HANG_MILLIS * 1_000_000L) {
          throw new AssertionError("case hangs (over " + HANG_MILLIS + " ms): " + c);
        }
      }
      heap();
      elapsed = System.nanoTime() - t0;
    }

    private void heap() {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
    }

    String summary() {
      return String.format("XNNPACK payload mutations: %d cases over %d payloads in %.1f s %s; slowest %.1f ms CPU (%s);"
          + " max heap after GC %d MiB", cases, targets.size(), elapsed / 1e9, outcomes, maxCaseNanos / 1e6, slowest,
          maxHeap >> 20);
    }

    void assertClean() {
      List<String> problems = new ArrayList<>();
      if (!failures.isEmpty()) {
        problems.add(failures.size() + " case(s) broke the contract; first:\n  " + String.join("\n  ", failures));
      }
      if (maxCaseNanos > MAX_CASE_NANOS) {
        problems.add(String.format("slowest case took %.1f ms of CPU: %s", maxCaseNanos / 1e6, slowest));
      }
      if (maxHeap > MAX_HEAP_AFTER_GC) {
        problems.add("heap after GC reached " + maxHeap + " bytes");
      }
      if (!problems.isEmpty()) {
        throw new AssertionError(summary() + "\n" + String.join("\n", problems));
      }
    }

    private static String describe(Throwable t) {
      StringBuilder sb = new StringBuilder(t.toString());
      for (Throwable c = t.getCause(); c != null && c != t; t = c, c = c.getCause()) {
        sb.append("\n       caused by ").append(c);
        StackTraceElement[] st = c.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) {
          sb.append("\n         at ").append(st[i]);
        }
      }
      return sb.toString();
    }

    /** CPU time of this thread; through reflection because the test classes may be compiled into a module that does not read java.management. */
    static long cpuTime() {
      try {
        Class<?> f = Class.forName("java.lang.management.ManagementFactory");
        Object bean = f.getMethod("getThreadMXBean").invoke(null);
        return (Long) Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime").invoke(bean);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("cannot read thread CPU time", e);
      }
    }
  }

  /** A damaged copy of a payload and what was done to it. */
  record Mutant(byte[] bytes, String description) {
    static Mutant of(Target target, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      byte[] b = target.payload().bytes().clone();
      StringBuilder what = new StringBuilder();
      if (r.nextInt(16) == 0) {
        int keep = r.nextInt(b.length);
        what.append("truncate to ").append(keep);
        return new Mutant(java.util.Arrays.copyOf(b, keep), what.toString());
      }
      int edits = r.nextInt(8) == 0 ? 2 + r.nextInt(3) : 1;
      for (int e = 0; e < edits; e++) {
        if (e > 0) {
          what.append("; ");
        }
        mutate(b, target.hotEnd(), r, what);
      }
      return new Mutant(b, what.toString());
    }

    /** One edit, nine times in ten inside the header and flatbuffer. */
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
          int[] values = {0x00, 0xFF, 0x80, 0x7F, r.nextInt(256)};
          int v = values[r.nextInt(values.length)];
          b[at] = (byte) v;
          what.append("byte @").append(at).append(" := ").append(v);
        }
        case 2 -> {
          int at = r.nextInt(span / 2) * 2;
          int[] values = {0, 1, 0x7FFF, 0x8000, 0xFFFF, r.nextInt(64)};
          int v = values[r.nextInt(values.length)];
          bb.putShort(at, (short) v);
          what.append("u16 @").append(at).append(" := ").append(v);
        }
        case 3, 4 -> {
          int at = r.nextInt(span / 4) * 4;
          int size = b.length;
          int[] values = {0, 1, 2, 6, 7, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 65536, size, size + 1, -16,
              r.nextInt(size + 1), r.nextInt(64)};
          int v = values[r.nextInt(values.length)];
          bb.putInt(at, v);
          what.append("u32 @").append(at).append(" := 0x").append(Integer.toHexString(v));
        }
        default -> {
          int at = r.nextInt(span / 8) * 8;
          long size = b.length;
          long[] values = {0, 1, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFFFFFFL, 1L << 32, size, size + 1,
              r.nextLong(size + 1)};
          long v = values[r.nextInt(values.length)];
          bb.putLong(at, v);
          what.append("u64 @").append(at).append(" := 0x").append(Long.toHexString(v));
        }
      }
    }
  }
}
