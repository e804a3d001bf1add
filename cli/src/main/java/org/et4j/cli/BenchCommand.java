package org.et4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;

/**
 * {@code et4j bench}: load time, first inference and steady-state latency of one method, under
 * the metric names of ExecuTorch's benchmark apps ({@code extension/benchmark/android/.../
 * ModelRunner.kt} and the iOS results mapping): {@code model_load_time(ms)} is program load plus
 * method load, {@code avg_inference_latency(ms)} the mean and {@code trimmean_inference_latency(ms)}
 * the mean of the middle 80% of the sorted timed runs (ExecuTorch drops the lowest and highest
 * tenth the same way). et4j adds the first inference after load, percentiles, the time the JIT
 * takes to reach steady state, memory peaks and the heap bytes allocated per inference.
 *
 * <p>One inference is {@code setInputs} + {@code execute}, like ExecuTorch's {@code forward(inputs)}
 * (copy the inputs in, run); reading outputs is not timed.
 */
final class BenchCommand {
  static final Set<String> FLAGS = Set.of("--json");
  static final Set<String> VALUED =
      Options.withLoadOptions(Set.of("--method", "--input", "--random", "--iterations", "--warmup", "--threads", "--jfr"));

  /** A progress line goes to stderr at most this often, and only once a run is this long. */
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;
  /** A latency within this factor of the timed median counts as steady. */
  private static final double STEADY_FACTOR = 1.25;
  /** Steady state starts at the first of this many consecutive steady runs. */
  private static final int STEADY_RUN = 5;

  private final Options options;
  private final PrintStream out;
  private final PrintStream err;

  BenchCommand(Options options, PrintStream out, PrintStream err) {
    this.options = options;
    this.out = out;
    this.err = err;
  }

  int run() {
    // Wall-clock time at the start of the command, for a harness that timed the process's spawn
    // (benchmarks/compare/coldstart.py): the difference is the launcher's and the JVM's start.
    java.time.Instant entered = java.time.Instant.now();
    Path file = options.file("program");
    int iterations = options.intValue("--iterations", 50);
    int warmup = options.intValue("--warmup", 10);
    if (iterations < 1 || warmup < 0) {
      throw new Main.UsageException("--iterations must be at least 1 and --warmup at least 0");
    }
    int threads = RunCommand.applyThreads(options);
    boolean json = options.flag("--json");
    com.sun.management.ThreadMXBean threadBean = threadBean();
    long jvmUptimeAtStart = ManagementFactory.getRuntimeMXBean().getUptime();

    long loadStart = System.nanoTime();
    try (Program program = Program.load(file, options.loadOptions(threads))) {
      String name = options.one("--method", program.methodNames().contains("forward") ? "forward" : program.methodNames().getFirst());
      MethodMeta meta = program.methodMeta(name);
      try (Method method = program.loadMethod(name)) {
        long loadEnd = System.nanoTime();
        List<EValue> inputs = RunCommand.inputs(options, meta);
        if (Batches.split(meta, inputs).size() > 1) {
          throw new Main.UsageException(
              "the inputs are larger than method " + name + " accepts in one execution; bench times single executions");
        }
        EValue[] in = inputs.toArray(EValue[]::new);

        long firstStart = System.nanoTime();
        method.setInputs(in);
        method.execute();
        long firstEnd = System.nanoTime();

        // Every run after the first is timed, warm-up included, to find where steady state begins.
        int total = warmup + iterations;
        long[] starts = new long[total];
        long[] nanos = new long[total];
        long progressBytes = 0;
        long allocBefore = 0;
        long allocAllBefore = 0;
        long lastProgress = firstStart;
        String jfr = options.one("--jfr", null);
        TimedPartRecording recording = null;
        for (int i = 0; i < total; i++) {
          if (i == warmup) {
            if (jfr != null) {
              recording = TimedPartRecording.start(Path.of(jfr));
            }
            allocBefore = threadBean.getCurrentThreadAllocatedBytes();
            allocAllBefore = threadBean.getTotalThreadAllocatedBytes();
          }
          long t0 = System.nanoTime();
          method.setInputs(in);
          method.execute();
          long t1 = System.nanoTime();
          starts[i] = t0;
          nanos[i] = t1 - t0;
          if (t1 - lastProgress >= PROGRESS_EVERY_NANOS && i + 1 < total) {
            // Formatting allocates; those bytes are not the model's and are taken off the count.
            long b0 = threadBean.getCurrentThreadAllocatedBytes();
            err.printf(Locale.ROOT, "bench: %d/%d runs after the first (%d warm-up), %.1f s, last %.3f ms%n",
                i + 1, total, warmup, (t1 - firstStart) / 1e9, nanos[i] / 1e6);
            long printed = threadBean.getCurrentThreadAllocatedBytes() - b0;
            if (i >= warmup) {
              progressBytes += printed;
            }
            lastProgress = t1;
          }
        }
        long allocAfter = threadBean.getCurrentThreadAllocatedBytes();
        long allocAllAfter = threadBean.getTotalThreadAllocatedBytes();
        if (recording != null) {
          recording.close();
          err.println("bench: JFR recording of the timed runs written to " + jfr
              + " (jfr view hot-methods " + jfr + "); its overhead is in the timed runs");
        }

        long[] timed = Arrays.copyOfRange(nanos, warmup, total);
        long[] sorted = timed.clone();
        Arrays.sort(sorted);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model_load_time(ms)", ms(loadEnd - loadStart));
        metrics.put("first_inference_latency(ms)", ms(firstEnd - firstStart));
        metrics.put("avg_inference_latency(ms)", ms(mean(sorted, 0, sorted.length)));
        metrics.put("trimmean_inference_latency(ms)", ms(trimmedMean(sorted)));
        metrics.put("p50_inference_latency(ms)", ms(RunCommand.pct(sorted, 50) * 1e6));
        metrics.put("p95_inference_latency(ms)", ms(RunCommand.pct(sorted, 95) * 1e6));
        metrics.put("p99_inference_latency(ms)", ms(RunCommand.pct(sorted, 99) * 1e6));
        metrics.put("min_inference_latency(ms)", ms(sorted[0]));
        metrics.put("max_inference_latency(ms)", ms(sorted[sorted.length - 1]));
        Double steady = timeToSteadyState(firstStart, starts, nanos, RunCommand.pct(sorted, 50) * 1e6);
        metrics.put("time_to_steady_state(ms)", steady);
        metrics.put("jvm_uptime_at_start(ms)", (double) jvmUptimeAtStart);
        metrics.put("peak_heap_usage(mb)", round3(peakHeapBytes() / 1048576.0));
        Long hwm = peakRssBytes();
        metrics.put("peak_rss(mb)", hwm == null ? null : round3(hwm / 1048576.0));
        metrics.put("allocated_bytes_per_inference", round3((allocAfter - allocBefore - progressBytes) / (double) iterations));
        metrics.put("allocated_bytes_per_inference_all_threads",
            round3(Math.max(0, allocAllAfter - allocAllBefore - progressBytes) / (double) iterations));
        metrics.put("load_status", 0);

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", file.toString());
        report.put("method", name);
        report.put("threads", Integer.getInteger("et4j.threads", Runtime.getRuntime().availableProcessors()));
        report.put("iterations", iterations);
        report.put("warmup", warmup);
        report.put("vector", System.getProperty("et4j.vector", "auto"));
        report.put("java", System.getProperty("java.vm.version"));
        report.put("command_started_epoch_us", entered.getEpochSecond() * 1_000_000L + entered.getNano() / 1000);
        report.put("metrics", metrics);
        if (json) {
          out.print(Json.write(report));
        } else {
          out.printf("%s method %s: %d timed run(s) after the first and %d warm-up, %s thread(s)%n",
              file, name, iterations, warmup, report.get("threads"));
          for (Map.Entry<String, Object> e : metrics.entrySet()) {
            out.printf(Locale.ROOT, "  %-44s %s%n", e.getKey(), e.getValue() == null ? "n/a" : e.getValue());
          }
        }
      }
    }
    return 0;
  }

  /**
   * Milliseconds from the start of the first inference to the start of the first of
   * {@link #STEADY_RUN} consecutive runs within {@link #STEADY_FACTOR} of the timed median; null
   * when no such stretch exists (too few runs, or a latency that never settled).
   */
  static Double timeToSteadyState(long firstStart, long[] starts, long[] nanos, double medianNanos) {
    int streak = 0;
    for (int i = 0; i < nanos.length; i++) {
      streak = nanos[i] <= STEADY_FACTOR * medianNanos ? streak + 1 : 0;
      if (streak == STEADY_RUN) {
        return ms(starts[i - STEADY_RUN + 1] - firstStart);
      }
    }
    return null;
  }

  /** The mean of the sorted samples without the lowest and highest tenth, as ExecuTorch's apps. */
  static double trimmedMean(long[] sorted) {
    int from = sorted.length / 10;
    int to = sorted.length * 9 / 10;
    return to > from ? mean(sorted, from, to) : mean(sorted, 0, sorted.length);
  }

  private static double mean(long[] a, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += a[i];
    }
    return sum / (to - from);
  }

  private static double ms(double nanos) {
    return round3(nanos / 1e6);
  }

  private static double round3(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  private static com.sun.management.ThreadMXBean threadBean() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean)
        || !bean.isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("this JVM cannot count allocated bytes per thread (com.sun.management.ThreadMXBean)");
    }
    bean.setThreadAllocatedMemoryEnabled(true);
    return bean;
  }

  /** The sum of each heap pool's peak: an upper bound of the heap's peak since the JVM started. */
  private static long peakHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** The process's peak resident set ({@code VmHWM} in /proc/self/status), or null off Linux. */
  static Long peakRssBytes() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          String[] w = line.substring(6).trim().split("\\s+");
          return Long.parseLong(w[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
