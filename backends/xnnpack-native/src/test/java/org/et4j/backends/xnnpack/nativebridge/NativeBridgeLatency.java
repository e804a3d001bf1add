package org.et4j.backends.xnnpack.nativebridge;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.et4j.backends.xnnpack.XnnpackBackend;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.delegate.Backend;
import org.et4j.runtime.delegate.BackendInitContext;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.delegate.CompileSpec;
import org.et4j.runtime.delegate.DelegateHandle;
import org.et4j.runtime.kernel.KernelRegistry;

/**
 * A warmed latency harness (not a test): for each bundle given, one Method on et4j's Java XNNPACK
 * operators and one on native XNNPACK through the bridge, in the same JVM on the same inputs and
 * thread count, measured in alternating rounds; and, for the native Method, {@code
 * xnn_invoke_runtime} alone on the same runtime, so that the difference is what the bridge adds
 * per execution (argument binding, the padded input copy, {@code xnn_setup_runtime_v2}, the FFM
 * transitions, et4j's Method around the DelegateCall). Prints medians over rounds of per-round
 * medians.
 *
 * <pre>
 * NativeBridgeLatency [--threads N] [--rounds R] [--calls C] FILE.bpte...
 * </pre>
 */
public final class NativeBridgeLatency {
  private NativeBridgeLatency() {}

  public static void main(String[] args) throws Exception {
    int threads = 1;
    int rounds = 5;
    int calls = 400;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        default -> files.add(Path.of(args[i]));
      }
    }
    System.setProperty("et4j.threads", Integer.toString(threads));
    System.out.printf(Locale.ROOT, "%-34s %7s %14s %14s %10s %16s %16s%n", "bundle", "threads", "java ms", "native ms",
        "java/nat", "invoke-only ms", "bridge us/call");
    for (Path f : files) {
      measure(f, threads, rounds, calls);
    }
  }

  private static void measure(Path bpte, int threads, int rounds, int calls) {
    List<DelegateHandle> captured = new ArrayList<>();
    Backend xnn = new XnnpackBackend();
    Backend capturing = new Backend() {
      @Override
      public String id() {
        return xnn.id();
      }

      @Override
      public DelegateHandle init(BackendInitContext c, MemorySegment processed, List<CompileSpec> specs) {
        DelegateHandle h = xnn.init(c, processed, specs);
        captured.add(h);
        return h;
      }
    };
    BackendRegistry registry = BackendRegistry.builder().register(capturing).build();
    LoadOptions java = LoadOptions.builder().threads(threads).backendOption("xnnpack", "java").build();
    LoadOptions nat = LoadOptions.builder().threads(threads).backendOption("xnnpack", "native").build();
    try (BundledProgram bundle = BundledProgram.load(bpte);
        Program pj = Program.load(bpte, java);
        Program pn = Program.load(bpte, nat);
        Method mj = pj.loadMethod("forward", KernelRegistry.defaultRegistry(), registry)) {
      int javaHandles = captured.size();
      try (Method mn = pn.loadMethod("forward", KernelRegistry.defaultRegistry(), registry)) {
        List<NativeXnnRuntime> natives = new ArrayList<>();
        for (DelegateHandle h : captured.subList(javaHandles, captured.size())) {
          natives.add((NativeXnnRuntime) h);
        }
        EValue[] inputs = bundle.testCases("forward").get(0).inputs().toArray(EValue[]::new);
        double[] javaMs = new double[rounds];
        double[] nativeMs = new double[rounds];
        double[] invokeMs = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          // Alternate which runtime goes first, so that neither always gets the cooler machine.
          boolean javaFirst = r % 2 == 0;
          double a = time(javaFirst ? mj : mn, inputs, calls, r == 0);
          double b = time(javaFirst ? mn : mj, inputs, calls, r == 0);
          javaMs[r] = javaFirst ? a : b;
          nativeMs[r] = javaFirst ? b : a;
          invokeMs[r] = invokeOnly(natives, calls);
        }
        double j = median(javaMs);
        double n = median(nativeMs);
        double inv = median(invokeMs);
        System.out.printf(Locale.ROOT, "%-34s %7d %14.4f %14.4f %10.2f %16.4f %16.1f%n", bpte.getFileName(), threads, j,
            n, j / n, inv, (n - inv) * 1000);
      }
    }
  }

  /** Median milliseconds per setInputs + execute over {@code calls} calls, after warming. */
  private static double time(Method m, EValue[] inputs, int calls, boolean firstRound) {
    long warmUntil = System.nanoTime() + (firstRound ? Long.getLong("warmupMs", 3000) * 1_000_000L : 300_000_000L);
    while (System.nanoTime() < warmUntil) {
      m.setInputs(inputs);
      m.execute();
    }
    long[] t = new long[calls];
    for (int i = 0; i < calls; i++) {
      long t0 = System.nanoTime();
      m.setInputs(inputs);
      m.execute();
      t[i] = System.nanoTime() - t0;
    }
    Arrays.sort(t);
    return t[calls / 2] / 1e6;
  }

  /** Median milliseconds of xnn_invoke_runtime alone, over every native delegate of the method. */
  private static double invokeOnly(List<NativeXnnRuntime> natives, int calls) {
    long[] t = new long[calls];
    for (int i = 0; i < calls; i++) {
      long sum = 0;
      for (NativeXnnRuntime rt : natives) {
        sum += rt.invokeOnly(1);
      }
      t[i] = sum;
    }
    Arrays.sort(t);
    return t[calls / 2] / 1e6;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
