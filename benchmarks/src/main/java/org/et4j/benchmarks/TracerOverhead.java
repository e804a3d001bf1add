package org.et4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;

/**
 * What {@code Method.execute} costs with no event tracer attached, to compare builds: the
 * interpreter loop before and after a change to it, run alternately by
 * {@code benchmarks/tracer-overhead.sh} on the same machine in one session. Uses only API that
 * every et4j build has; when the build has event tracers ({@code Method.setEventTracer}), it also
 * measures an execution traced by an {@code ETDumpWriter}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.et4j.benchmarks.TracerOverhead FILE.bpte [--seconds S]
 * </pre>
 *
 * <p>Prints one JSON line: the median and 10th percentile of one {@code setInputs + execute}
 * (the first bundled test case) over {@code S} seconds after as long a warm-up, and the bytes the
 * thread allocates per {@code execute} alone.
 */
public final class TracerOverhead {
  private TracerOverhead() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    double seconds = args.length > 2 && args[1].equals("--seconds") ? Double.parseDouble(args[2]) : 3;
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (BundledProgram bp = BundledProgram.load(file)) {
      String name = bp.testedMethods().contains("forward") ? "forward" : bp.testedMethods().getFirst();
      EValue[] inputs = bp.testCases(name).getFirst().inputs().toArray(EValue[]::new);
      try (Method m = bp.program().loadMethod(name)) {
        Result plain = measure(m, inputs, seconds, threads);
        String traced = "null";
        java.lang.reflect.Method attach = null;
        for (java.lang.reflect.Method x : Method.class.getMethods()) {
          if (x.getName().equals("setEventTracer")) {
            attach = x;
          }
        }
        if (attach != null) {
          Class<?> writerClass = Class.forName("org.et4j.runtime.devtools.ETDumpWriter");
          Object writer = writerClass.getMethod("create").invoke(null);
          attach.invoke(m, writer);
          Result t = measure(m, inputs, seconds, threads);
          // Keep the writer from growing without bound while it measures.
          writerClass.getMethod("clear").invoke(writer);
          attach.invoke(m, (Object) null);
          traced = t.json();
        }
        System.out.printf(Locale.ROOT, "{\"file\": \"%s\", \"method\": \"%s\", \"untraced\": %s, \"traced\": %s}%n",
            file.getFileName(), name, plain.json(), traced);
      }
    }
  }

  private record Result(long calls, double medianUs, double p10Us, double bytesPerCall) {
    String json() {
      return String.format(Locale.ROOT, "{\"calls\": %d, \"median_us\": %.2f, \"p10_us\": %.2f, \"execute_allocated_bytes\": %.1f}",
          calls, medianUs, p10Us, bytesPerCall);
    }
  }

  private static Result measure(Method m, EValue[] inputs, double seconds, com.sun.management.ThreadMXBean threads) {
    long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < warmEnd) {
      m.setInputs(inputs);
      m.execute();
    }
    long[] nanos = new long[1 << 20];
    int n = 0;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    while (n < nanos.length && System.nanoTime() < end) {
      long t0 = System.nanoTime();
      m.setInputs(inputs);
      m.execute();
      nanos[n++] = System.nanoTime() - t0;
    }
    // Allocation of execute alone (setInputs builds its error-message context per call).
    int k = Math.max(1, Math.min(n, 10_000));
    long bytes0 = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < k; i++) {
      m.execute();
    }
    long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
    long[] s = Arrays.copyOf(nanos, n);
    Arrays.sort(s);
    return new Result(n, s[n / 2] / 1e3, s[n / 10] / 1e3, (double) bytes / k);
  }
}
