package org.et4j.runtime.hostile;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs many hostile cases on a watchdog thread and keeps the score: how far each case got, the
 * slowest case, heap and native memory after periodic collections, and the first failures with
 * enough detail to replay them.
 *
 * <p>A case that never returns cannot be stopped in Java; the watchdog fails the test after
 * {@link #HANG_MILLIS} and names the case, leaving the stuck daemon thread to die with the JVM.
 */
final class CaseRunner {
  /**
   * A case that takes more CPU time than this is a failure (a bound on hangs, not a performance
   * target). CPU time of the case's thread, not wall time: the machines this runs on are shared,
   * and a case descheduled for a second has not hung.
   */
  static final long MAX_CASE_NANOS = 1_000_000_000L;

  static final long HANG_MILLIS = 20_000;

  /** Live heap allowed after a collection, well above what the fixtures and JUnit hold. */
  static final long MAX_HEAP_AFTER_GC = 256L << 20;

  /** Native memory allowed after a collection, with every method closed. */
  static final long MAX_NATIVE_AFTER_GC = 16L << 20;

  private static final int MAX_FAILURES_KEPT = 12;

  /** One case: a description for messages and the work. */
  record Case(String description, Supplier<HostileHarness.Outcome> work) {}

  final Map<HostileHarness.Outcome, Integer> outcomes = new EnumMap<>(HostileHarness.Outcome.class);
  final List<String> failures = new ArrayList<>();
  long cases;
  long maxCaseNanos;
  long maxWallNanos;
  String slowestCase = "";
  long maxHeapAfterGc;
  long maxNativeAfterGc;
  long elapsedNanos;
  private final List<String> overMemory = new ArrayList<>();

  private volatile String current;
  private final AtomicLong currentStart = new AtomicLong();

  /** Runs {@code count} cases from {@code factory} (index to case); GC and memory check every {@code gcEvery}. */
  void run(long count, java.util.function.LongFunction<Case> factory, int gcEvery) throws InterruptedException {
    long t0 = System.nanoTime();
    Thread worker =
        Thread.ofPlatform()
            .daemon()
            .name("hostile-cases")
            .unstarted(
                () -> {
                  for (long i = 0; i < count; i++) {
                    Case c = factory.apply(i);
                    long start = System.nanoTime();
                    currentStart.set(start); // before the case is published to the watchdog
                    current = c.description();
                    long cpuStart = CPU.time();
                    try {
                      HostileHarness.Outcome o = c.work().get();
                      outcomes.merge(o, 1, Integer::sum);
                    } catch (Throwable t) {
                      if (failures.size() < MAX_FAILURES_KEPT) {
                        failures.add(c.description() + "\n    -> " + describe(t));
                      }
                    }
                    long took = CPU.time() - cpuStart;
                    maxWallNanos = Math.max(maxWallNanos, System.nanoTime() - start);
                    if (took > maxCaseNanos) {
                      maxCaseNanos = took;
                      slowestCase = c.description();
                    }
                    cases++;
                    if (gcEvery > 0 && (i + 1) % gcEvery == 0) {
                      checkMemory(c.description());
                    }
                  }
                  current = null;
                });
    worker.start();
    while (worker.isAlive()) {
      worker.join(100);
      String c = current;
      if (c != null && worker.isAlive() && System.nanoTime() - currentStart.get() > HANG_MILLIS * 1_000_000L) {
        throw new AssertionError("case hangs (over " + HANG_MILLIS + " ms): " + c);
      }
    }
    checkMemory("end");
    elapsedNanos = System.nanoTime() - t0;
  }

  private void checkMemory(String after) {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    long nativeBytes = directMemoryUsed();
    maxHeapAfterGc = Math.max(maxHeapAfterGc, heap);
    maxNativeAfterGc = Math.max(maxNativeAfterGc, nativeBytes);
    if ((heap > MAX_HEAP_AFTER_GC || nativeBytes > MAX_NATIVE_AFTER_GC) && overMemory.size() < 3) {
      overMemory.add("after " + after + ": heap " + heap + " B, native " + nativeBytes + " B");
    }
  }

  /** CPU time of the current thread, through ThreadMXBean (reflection: see {@link #directMemoryUsed}). */
  private static final class CPU {
    private static final Object BEAN;
    private static final java.lang.reflect.Method TIME;

    static {
      try {
        Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
        BEAN = factory.getMethod("getThreadMXBean").invoke(null);
        TIME = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    static long time() {
      try {
        return (Long) TIME.invoke(BEAN);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("cannot read thread CPU time", e);
      }
    }
  }

  /**
   * Bytes of native memory in use (arena allocations count as "direct" buffers). Through
   * reflection because the runtime module, which tests are compiled into, does not read
   * java.management; tests run on the class path, where it is readable.
   */
  private static long directMemoryUsed() {
    try {
      Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
      Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
      for (Object bean : (List<?>) factory.getMethod("getPlatformMXBeans", Class.class).invoke(null, pool)) {
        if ("direct".equals(pool.getMethod("getName").invoke(bean))) {
          return (Long) pool.getMethod("getMemoryUsed").invoke(bean);
        }
      }
      return 0;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot read the direct buffer pool", e);
    }
  }

  private static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.toString());
    Throwable cause = t.getCause();
    while (cause != null && cause != t) {
      sb.append("\n       caused by ").append(cause);
      StackTraceElement[] st = cause.getStackTrace();
      for (int i = 0; i < Math.min(4, st.length); i++) {
        sb.append("\n         at ").append(st[i]);
      }
      t = cause;
      cause = cause.getCause();
    }
    return sb.toString();
  }

  /** One-line statistics for the test log. */
  String summary(String what) {
    return String.format(
        "%s: %d cases in %.1f s (%s); slowest %.1f ms CPU (%s), %.1f ms wall; max heap after GC %d MiB, native %d KiB",
        what,
        cases,
        elapsedNanos / 1e9,
        outcomes,
        maxCaseNanos / 1e6,
        slowestCase,
        maxWallNanos / 1e6,
        maxHeapAfterGc >> 20,
        maxNativeAfterGc >> 10);
  }

  /** Fails with every problem found: escaped exceptions, slow cases, memory over the bounds. */
  void assertClean(String what) {
    List<String> problems = new ArrayList<>();
    if (!failures.isEmpty()) {
      problems.add(failures.size() + (failures.size() == MAX_FAILURES_KEPT ? "+" : "") + " case(s) broke the contract; first: \n  "
          + String.join("\n  ", failures));
    }
    if (maxCaseNanos > MAX_CASE_NANOS) {
      problems.add(String.format("slowest case took %.1f ms of CPU (limit 1000 ms): %s", maxCaseNanos / 1e6, slowestCase));
    }
    if (!overMemory.isEmpty()) {
      problems.add("memory over bound (heap " + MAX_HEAP_AFTER_GC + ", native " + MAX_NATIVE_AFTER_GC + "): " + overMemory);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(summary(what) + "\n" + String.join("\n", problems));
    }
  }
}
