package org.et4j.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.Module;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One {@link Program} shared by 8 threads, each with its own {@link Method}, executing the
 * committed models' bundled test cases over and over: every output must be bit-identical to the
 * single-threaded run of the same case (see {@link #mustMatchBits} for the delegated programs). And a {@link Module} under concurrent {@code forward}
 * from 8 threads: the same results, no deadlock.
 *
 * <p>{@code -Det4j.reliability.concurrent.executions=N} sets the executions per thread and model
 * (40 in {@code verify}; the {@code soak} profile runs 10,000).
 */
class ConcurrencyTest {
  static final int THREADS = 8;
  static final int EXECUTIONS = Integer.getInteger("et4j.reliability.concurrent.executions", 40);

  /** Which bundles run (a regex on {@code model/file.bpte}); all by default. */
  static final java.util.regex.Pattern MODELS =
      java.util.regex.Pattern.compile(System.getProperty("et4j.reliability.concurrent.models", ".*"));

  /**
   * Bit for bit only with {@code -Det4j.reliability.bits=true}; otherwise every output is held to
   * 1e-4 relative, which a race (another thread's data, a half-written buffer) breaks by far, and
   * the report says which programs matched bit for bit. Today some do not, even on one thread:
   * their last bits change between runs whose kernels split over the compute pool and runs on
   * the caller (the pool is busy when several methods execute at once), and between runs before
   * and after the JIT compiled a Vector API kernel (attention and lstm with and without XNNPACK,
   * lstm.ptd; with -Det4j.vector=off -Det4j.threads=1 they repeat): found by this test, see
   * {@link #singleThreadRepeats}.
   */
  static boolean mustMatchBits(String label) {
    return Boolean.getBoolean("et4j.reliability.bits");
  }

  /** Every committed bundle of a stateless model (state would make runs differ by design). */
  static List<Path> bundles() throws java.io.IOException {
    try (Stream<Path> s = Files.walk(RealPrograms.FIXTURES)) {
      return s.filter(p -> p.toString().endsWith(".bpte") && !p.toString().contains("stateful")).sorted().toList();
    }
  }

  static Path ptdOf(Path bpte) {
    Path p = bpte.resolveSibling(bpte.getFileName().toString().replace(".bpte", ".ptd"));
    return Files.exists(p) ? p : null;
  }

  static BundledProgram open(Path bpte) {
    Path ptd = ptdOf(bpte);
    return ptd == null ? BundledProgram.load(bpte) : BundledProgram.load(bpte, ptd);
  }

  /** The bytes of every output, for a bit-for-bit comparison. */
  static byte[][] run(Method m, List<EValue> inputs) {
    m.setInputs(inputs.toArray(EValue[]::new));
    m.execute();
    byte[][] out = new byte[m.outputCount()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = bytes(m.output(i));
    }
    return out;
  }

  static byte[] bytes(EValue v) {
    return v instanceof EValue.TensorValue(Tensor t) ? t.data().toArray(ValueLayout.JAVA_BYTE) : v.toString().getBytes();
  }

  @Test
  @Timeout(600)
  void eightThreadsWithTheirOwnMethodsMatchTheSingleThreadedRunBitForBit() throws Exception {
    List<String> report = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (Path bpte : bundles()) {
        if (!MODELS.matcher(bpte.getParent().getFileName() + "/" + bpte.getFileName()).matches()) {
          continue;
        }
        try (BundledProgram bundle = open(bpte)) {
          Program program = bundle.program();
          for (String name : bundle.testedMethods()) {
            List<BundledProgram.TestCase> cases = bundle.testCases(name);
            byte[][][] expected = new byte[cases.size()][][];
            boolean stateful;
            try (Method m = program.loadMethod(name)) {
              for (int c = 0; c < cases.size(); c++) {
                expected[c] = run(m, cases.get(c).inputs());
              }
              // A method with state (a KV cache) answers a repeated case differently by design.
              stateful = !Arrays.deepEquals(run(m, cases.get(0).inputs()), expected[0]);
            }
            try (Method fresh = program.loadMethod(name)) {
              // ... or one that depends on what ran before (a cache filled case by case).
              int last = cases.size() - 1;
              stateful |= !Arrays.deepEquals(run(fresh, cases.get(last).inputs()), expected[last]);
            }
            if (stateful) {
              report.add(bpte.getParent().getFileName() + "/" + bpte.getFileName() + " " + name + ": stateful, skipped");
              continue;
            }
            String label = bpte.getParent().getFileName() + "/" + bpte.getFileName();
            boolean exact = mustMatchBits(label) && !Boolean.getBoolean("et4j.reliability.survey");
            java.util.concurrent.atomic.AtomicBoolean allBits = new java.util.concurrent.atomic.AtomicBoolean(true);
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
              int thread = t;
              done.add(pool.submit(() -> {
                try (Method m = program.loadMethod(name)) {
                  start.await(60, TimeUnit.SECONDS);
                  for (int i = 0; i < EXECUTIONS; i++) {
                    int c = (thread + i) % cases.size();
                    byte[][] got = run(m, cases.get(c).inputs());
                    for (int o = 0; o < got.length; o++) {
                      boolean bits = Arrays.equals(got[o], expected[c][o]);
                      if (!bits) {
                        allBits.set(false);
                      }
                      boolean same = exact ? bits : close(got[o], expected[c][o]);
                      if (!same && mismatches.size() < 5) {
                        mismatches.add("thread " + thread + " execution " + i + " case " + c + " output " + o + ": "
                            + difference(got[o], expected[c][o]));
                      }
                    }
                  }
                  return EXECUTIONS;
                }
              }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
              total += f.get(300, TimeUnit.SECONDS);
            }
            assertThat(mismatches).as(label + " " + name).isEmpty();
            report.add(label + " " + name + (allBits.get() ? " bit-identical" : " NOT bit-identical, within 1e-4") + ": " + total);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("concurrent executions, bit-identical to single-threaded, per model: " + report);
    assertThat(report).hasSizeGreaterThan(MODELS.pattern().equals(".*") ? 30 : 0);
  }

  /** float32 bytes within 1e-4 relative (of the larger magnitude) plus 1e-5 absolute. */
  static boolean close(byte[] a, byte[] b) {
    if (a.length != b.length || a.length % 4 != 0) {
      return Arrays.equals(a, b);
    }
    java.nio.FloatBuffer x = java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    java.nio.FloatBuffer y = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int i = 0; i < x.capacity(); i++) {
      float p = x.get(i);
      float q = y.get(i);
      if (!(Math.abs(p - q) <= 1e-5f + 1e-4f * Math.max(Math.abs(p), Math.abs(q))) && !(Float.isNaN(p) && Float.isNaN(q))) {
        return false;
      }
    }
    return true;
  }

  /** The largest difference of float32 outputs, for messages. */
  static String difference(byte[] a, byte[] b) {
    if (a.length != b.length || a.length % 4 != 0) {
      return a.length + " vs " + b.length + " bytes";
    }
    java.nio.FloatBuffer x = java.nio.ByteBuffer.wrap(a).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    java.nio.FloatBuffer y = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    double worst = 0;
    int at = -1;
    int count = 0;
    for (int i = 0; i < x.capacity(); i++) {
      double d = Math.abs((double) x.get(i) - y.get(i));
      if (x.get(i) != y.get(i)) {
        count++;
      }
      if (d > worst || Double.isNaN(d)) {
        worst = d;
        at = i;
      }
    }
    return count + " of " + x.capacity() + " floats differ, most at " + at + ": " + (at < 0 ? "" : x.get(at) + " vs " + y.get(at));
  }

  /**
   * Diagnostic for the defect above: one thread, 2,000 executions of one case, each compared
   * with the first ({@code -Det4j.reliability.repeat=attention/attention.xnnpack-qd8.bpte}).
   */
  @Test
  void singleThreadRepeats() throws Exception {
    String only = System.getProperty("et4j.reliability.repeat");
    org.junit.jupiter.api.Assumptions.assumeTrue(only != null);
    try (BundledProgram bundle = open(RealPrograms.FIXTURES.resolve(only))) {
      List<BundledProgram.TestCase> cases = bundle.testCases("forward");
      try (Method m = bundle.program().loadMethod("forward")) {
        byte[][] first = run(m, cases.get(0).inputs());
        for (int i = 0; i < 2000; i++) {
          byte[][] got = run(m, cases.get(0).inputs());
          if (!Arrays.equals(got[0], first[0])) {
            System.out.println("single thread: execution " + i + " differs from the first");
            first = got;
          }
        }
      }
    }
  }

  @Test
  @Timeout(300)
  void moduleUnderConcurrentForwardGivesTheSameResults() throws Exception {
    Path bpte = RealPrograms.FIXTURES.resolve("digits_cnn/digits_cnn.portable.bpte");
    List<BundledProgram.TestCase> cases;
    byte[][][] expected;
    try (BundledProgram bundle = open(bpte)) {
      cases = new ArrayList<>();
      for (BundledProgram.TestCase tc : bundle.testCases("forward")) {
        List<EValue> copies = new ArrayList<>();
        for (EValue v : tc.inputs()) {
          copies.add(v instanceof EValue.TensorValue(Tensor t) ? EValue.from(t.copy()) : v);
        }
        cases.add(new BundledProgram.TestCase(tc.index(), copies, List.of()));
      }
      expected = new byte[cases.size()][][];
      try (Method m = bundle.program().loadMethod("forward")) {
        for (int c = 0; c < cases.size(); c++) {
          expected[c] = run(m, cases.get(c).inputs());
        }
      }
    }
    try (Module module = Module.load(RealPrograms.FIXTURES.resolve("digits_cnn/digits_cnn.portable.pte"))) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<String>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < EXECUTIONS; i++) {
              int c = (thread + i) % cases.size();
              List<EValue> out = module.forward(cases.get(c).inputs().toArray(EValue[]::new));
              for (int o = 0; o < out.size(); o++) {
                if (!Arrays.equals(bytes(out.get(o)), expected[c][o])) {
                  return "thread " + thread + " execution " + i + " case " + c + " output " + o + " differs";
                }
              }
            }
            return "";
          }));
        }
        for (Future<String> f : done) {
          assertThat(f.get(120, TimeUnit.SECONDS)).isEmpty();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
