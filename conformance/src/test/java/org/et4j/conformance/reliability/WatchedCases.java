package org.et4j.conformance.reliability;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.et4j.runtime.ErrorCode;

/**
 * Runs many cases on one watched thread and keeps the score: outcomes, the codes of the errors
 * raised, the first failures (with what replays them), the slowest case in CPU time of its
 * thread (the machines are shared: a case descheduled for a second has not hung) and the heap
 * after periodic collections. A case over the CPU limit is run twice more and keeps its fastest
 * time, as a busy sibling hyperthread can double one run; a really slow case stays slow.
 */
final class WatchedCases {
  static final long MAX_CASE_NANOS = 1_000_000_000L;
  static final long HANG_MILLIS = 30_000;
  static final long MAX_HEAP_AFTER_GC = 512L << 20;

  /** One case: what replays it, and the work. */
  record Case(String description, Supplier<RealKernelHarness.Outcome> work) {}

  final Map<RealKernelHarness.Outcome, Integer> outcomes = new EnumMap<>(RealKernelHarness.Outcome.class);
  final Map<ErrorCode, Integer> codes = new TreeMap<>();
  final List<String> failures = new ArrayList<>();
  long failureCount;
  long cases;
  long maxCaseNanos;
  String slowest = "";
  long maxHeap;
  long elapsed;
  long cpu;
  private volatile String current;
  private volatile long currentStart;

  void run(long count, LongFunction<Case> factory) throws InterruptedException {
    long t0 = System.nanoTime();
    Thread worker = Thread.ofPlatform().daemon().name("reliability-cases").unstarted(() -> {
      long cpu0 = cpuTime();
      for (long i = 0; i < count; i++) {
        Case c = factory.apply(i);
        currentStart = System.nanoTime();
        current = c.description();
        long start = cpuTime();
        try {
          outcomes.merge(c.work().get(), 1, Integer::sum);
        } catch (Throwable t) {
          failureCount++;
          if (failures.size() < 12) {
            failures.add(c.description() + "\n    -> " + describe(t));
          }
        }
        long took = cpuTime() - start;
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
        if ((i + 1) % 2_000 == 0) {
          heap();
        }
      }
      cpu = cpuTime() - cpu0;
      current = null;
    });
    worker.start();
    while (worker.isAlive()) {
      worker.join(200);
      String c = current;
      if (c != null && worker.isAlive() && System.nanoTime() - currentStart > HANG_MILLIS * 1_000_000L) {
        throw new AssertionError("case hangs (over " + HANG_MILLIS + " ms wall): " + c);
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

  String summary(String what) {
    return String.format("%s: %d cases in %.1f s wall, %.1f s CPU; %s; error codes %s; slowest %.1f ms CPU (%s);"
        + " max heap after GC %d MiB", what, cases, elapsed / 1e9, cpu / 1e9, outcomes, codes, maxCaseNanos / 1e6,
        slowest, maxHeap >> 20);
  }

  void assertClean(String what) {
    List<String> problems = new ArrayList<>();
    if (!failures.isEmpty()) {
      problems.add(failureCount + " case(s) broke the contract; first:\n  " + String.join("\n  ", failures));
    }
    if (maxCaseNanos > MAX_CASE_NANOS) {
      problems.add(String.format("slowest case took %.1f ms of CPU: %s", maxCaseNanos / 1e6, slowest));
    }
    if (maxHeap > MAX_HEAP_AFTER_GC) {
      problems.add("heap after GC reached " + maxHeap + " bytes");
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(summary(what) + "\n" + String.join("\n", problems));
    }
  }

  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.toString());
    Throwable last = t;
    for (Throwable c = t.getCause(); c != null && c != last; last = c, c = c.getCause()) {
      sb.append("\n       caused by ").append(c);
    }
    StackTraceElement[] st = last.getStackTrace();
    for (int i = 0; i < Math.min(8, st.length); i++) {
      sb.append("\n         at ").append(st[i]);
    }
    return sb.toString();
  }

  /**
   * CPU time of this thread; through reflection because the test classes are compiled into the
   * module org.et4j.conformance, which does not read java.management.
   */
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
