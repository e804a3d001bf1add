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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One {@link Program} shared by 8 threads, each with its own {@link Method}, executing the
 * committed models' bundled test cases over and over: every output must be bit-identical to the
 * single-threaded run of the same case. Programs with state (a counter, a KV cache) run their
 * cases as a sequence: each thread runs the whole sequence on a freshly loaded Method, again and
 * again, and every result must equal the single-threaded sequence's. And a {@link Module} under
 * concurrent {@code forward} from 8 threads: the same results, no deadlock.
 *
 * <p>Bit-identity holds because no float kernel's result depends on the JIT state or on how its
 * work is split over threads (fixed-order lane sums, exp/tanh/sigmoid/GELU from exactly rounded
 * operations with a scalar twin for the tails); {@link #oneMethodRepeatsItsBitsOverThousandsOfExecutions}
 * watches the JIT part alone.
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

  /** Every committed bundle, the stateful ones included. */
  static List<Path> bundles() throws java.io.IOException {
    try (Stream<Path> s = Files.walk(RealPrograms.FIXTURES)) {
      return s.filter(p -> p.toString().endsWith(".bpte")).sorted().toList();
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
        String label = bpte.getParent().getFileName() + "/" + bpte.getFileName();
        if (!MODELS.matcher(label).matches()) {
          continue;
        }
        try (BundledProgram bundle = open(bpte)) {
          Program program = bundle.program();
          for (String name : bundle.testedMethods()) {
            List<BundledProgram.TestCase> cases = bundle.testCases(name);
            // The single-threaded reference: the cases in order on a fresh Method.
            byte[][][] expected = new byte[cases.size()][][];
            boolean repeatsDiffer;
            try (Method m = program.loadMethod(name)) {
              for (int c = 0; c < cases.size(); c++) {
                expected[c] = run(m, cases.get(c).inputs());
              }
              // A method with state (a KV cache) answers a repeated case differently by design.
              repeatsDiffer = !Arrays.deepEquals(run(m, cases.get(0).inputs()), expected[0]);
            }
            boolean stateful = repeatsDiffer;
            try (Method fresh = program.loadMethod(name)) {
              // ... or one that depends on what ran before (a cache filled case by case).
              int last = cases.size() - 1;
              stateful |= !Arrays.deepEquals(run(fresh, cases.get(last).inputs()), expected[last]);
            }
            boolean asSequences = stateful;
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
              int thread = t;
              done.add(pool.submit(() -> asSequences
                  ? sequences(program, name, cases, expected, thread, start, mismatches)
                  : shuffled(program, name, cases, expected, thread, start, mismatches)));
            }
            int total = 0;
            for (Future<Integer> f : done) {
              total += f.get(300, TimeUnit.SECONDS);
            }
            assertThat(mismatches).as(label + " " + name).isEmpty();
            report.add(label + " " + name + (stateful ? " (stateful, as sequences)" : "") + ": " + total);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("concurrent executions, bit-identical to single-threaded, per model: " + report);
    assertThat(report).hasSizeGreaterThan(MODELS.pattern().equals(".*") ? 30 : 0);
    if (MODELS.pattern().equals(".*")) {
      assertThat(report).as("the stateful programs run too").anyMatch(r -> r.contains("stateful_counter") && r.contains("(stateful, as sequences)"));
    }
  }

  /** A stateless method: the cases in an order of its own on one Method. */
  static int shuffled(
      Program program, String name, List<BundledProgram.TestCase> cases, byte[][][] expected, int thread,
      CyclicBarrier start, ConcurrentLinkedQueue<String> mismatches) throws Exception {
    try (Method m = program.loadMethod(name)) {
      start.await(60, TimeUnit.SECONDS);
      for (int i = 0; i < EXECUTIONS; i++) {
        int c = (thread + i) % cases.size();
        compare(run(m, cases.get(c).inputs()), expected[c], "thread " + thread + " execution " + i + " case " + c, mismatches);
      }
      return EXECUTIONS;
    }
  }

  /** A stateful method: the whole sequence on a fresh Method, as many times as EXECUTIONS allows (once at least). */
  static int sequences(
      Program program, String name, List<BundledProgram.TestCase> cases, byte[][][] expected, int thread,
      CyclicBarrier start, ConcurrentLinkedQueue<String> mismatches) throws Exception {
    start.await(60, TimeUnit.SECONDS);
    int executions = 0;
    for (int round = 0; executions == 0 || executions + cases.size() <= EXECUTIONS; round++) {
      try (Method m = program.loadMethod(name)) {
        for (int c = 0; c < cases.size(); c++, executions++) {
          compare(run(m, cases.get(c).inputs()), expected[c], "thread " + thread + " sequence " + round + " case " + c, mismatches);
        }
      }
    }
    return executions;
  }

  static void compare(byte[][] got, byte[][] expected, String where, ConcurrentLinkedQueue<String> mismatches) {
    for (int o = 0; o < got.length; o++) {
      if (!Arrays.equals(got[o], expected[o]) && mismatches.size() < 5) {
        mismatches.add(where + " output " + o + ": " + difference(got[o], expected[o]));
      }
    }
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
   * One method executed 2,000 times on one thread, every output's bits equal to the first
   * execution's: the first executions run interpreted Vector API code, the later ones C2's, and
   * once a kernel's last bits changed with the switch (the Vector API's EXP and TANH, and the
   * unspecified order of reduceLanes(ADD)): with those kernels the attention block's XNNPACK
   * program (GELU, softmax, layer norm, fully connected) differed from its first execution at
   * execution 1853, the LSTM's (sigmoid, tanh) at 281. Seconds each;
   * {@code -Det4j.reliability.repeat=model/file.bpte} picks another bundle.
   */
  @ParameterizedTest
  @ValueSource(strings = {"attention/attention.xnnpack.bpte", "lstm/lstm.xnnpack.bpte"})
  @Timeout(300)
  void oneMethodRepeatsItsBitsOverThousandsOfExecutions(String bundleFile) throws Exception {
    String only = System.getProperty("et4j.reliability.repeat", bundleFile);
    int executions = Integer.getInteger("et4j.reliability.repeat.executions", 2000);
    try (BundledProgram bundle = open(RealPrograms.FIXTURES.resolve(only))) {
      List<BundledProgram.TestCase> cases = bundle.testCases("forward");
      try (Method m = bundle.program().loadMethod("forward")) {
        byte[][] first = run(m, cases.get(0).inputs());
        for (int i = 1; i < executions; i++) {
          byte[][] got = run(m, cases.get(0).inputs());
          for (int o = 0; o < got.length; o++) {
            int execution = i;
            int output = o;
            assertThat(Arrays.equals(got[o], first[o]))
                .as(() -> only + ": execution " + execution + " output " + output + " differs from the first: "
                    + difference(got[output], first[output]))
                .isTrue();
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
