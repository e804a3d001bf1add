package org.et4j.conformance.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long runs in one JVM: the MLP and digits_cnn executed over and over, and a program mapped,
 * run and closed over and over. Heap after a collection, resident memory, live threads, open
 * file descriptors and the mappings of the file must stay flat: the figures at the start (after
 * a warm-up) and at the end are printed and compared.
 *
 * <p>{@code verify} runs short versions; the {@code soak} profile runs 1,000,000 MLP and 100,000
 * digits_cnn executions and 10,000 load/close cycles ({@code -Det4j.soak.mlp}, {@code
 * -Det4j.soak.cnn}, {@code -Det4j.soak.loads}).
 */
class SoakTest {
  static final long MLP = Long.getLong("et4j.soak.mlp", 50_000);
  static final long CNN = Long.getLong("et4j.soak.cnn", 5_000);
  static final long LOADS = Long.getLong("et4j.soak.loads", 500);

  /** Heap, RSS, threads, descriptors and mappings of one file at one moment. */
  record Figures(long heapAfterGc, long nativeBytes, long rssKib, long threads, long fds, long mappings) {
    static Figures now(Path mapped) {
      // Memory of automatic arenas (kernel scratch) is freed by a cleaner after the collection
      // that found it unreachable: collect until the native figure stops falling.
      long nativeBytes = Long.MAX_VALUE;
      for (int i = 0; i < 20; i++) {
        System.gc();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        long now = directMemoryUsed();
        if (now >= nativeBytes) {
          break;
        }
        nativeBytes = now;
      }
      Runtime rt = Runtime.getRuntime();
      return new Figures(rt.totalMemory() - rt.freeMemory(), directMemoryUsed(), status("VmRSS:"), status("Threads:"), SoakTest.fds(),
          SoakTest.mappings(mapped));
    }

    @Override
    public String toString() {
      return String.format(
          "heap after GC %.1f MiB, native (arenas) %.1f KiB, RSS %.1f MiB, %d threads, %d fds, %d mappings of the file",
          heapAfterGc / 1048576.0, nativeBytes / 1024.0, rssKib / 1024.0, threads, fds, mappings);
    }
  }

  private static long status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: the figure is unknown
    }
    return -1;
  }

  /** Arena allocations count as "direct" buffers; through reflection (java.management is not read). */
  static long directMemoryUsed() {
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

  private static long fds() {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long mappings(Path file) {
    try {
      String name = file.toRealPath().toString();
      return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static void assertFlat(String what, Figures before, Figures after) {
    System.out.println(what + ": before " + before + "; after " + after);
    assertThat(after.heapAfterGc()).as(what + ": heap after GC").isLessThan(before.heapAfterGc() + (16L << 20));
    // Planned memory and kernel scratch are arena (native) memory: a leak shows here first.
    assertThat(after.nativeBytes()).as(what + ": native memory").isLessThan(before.nativeBytes() + (4L << 20));
    if (before.rssKib() > 0) {
      // RSS moves by a hundred MiB as G1 commits and uncommits heap; only a gross leak shows.
      assertThat(after.rssKib()).as(what + ": RSS (KiB)").isLessThan(before.rssKib() + 384 * 1024);
    }
    assertThat(after.threads()).as(what + ": threads").isLessThanOrEqualTo(before.threads() + 2);
    assertThat(after.fds()).as(what + ": file descriptors").isLessThanOrEqualTo(before.fds() + 2);
  }

  /** The bundle's first test case, as inputs that outlive the bundle. */
  private static List<EValue> inputs(Path bpte) {
    try (BundledProgram b = BundledProgram.load(bpte)) {
      return b.testCases("forward").get(0).inputs().stream()
          .map(v -> v instanceof EValue.TensorValue(Tensor t) ? EValue.from(t.copy()) : v)
          .toList();
    }
  }

  private static void soak(String model, long executions) {
    Path pte = RealPrograms.FIXTURES.resolve(model + "/" + model + ".portable.pte");
    Path bpte = RealPrograms.FIXTURES.resolve(model + "/" + model + ".portable.bpte");
    Path file = Files.exists(pte) ? pte : bpte;
    List<EValue> in = inputs(bpte);
    try (Program p = Program.load(file); Method m = p.loadMethod("forward")) {
      EValue[] args = in.toArray(EValue[]::new);
      long warm = Math.min(executions / 10, 20_000);
      for (long i = 0; i < warm; i++) {
        m.setInputs(args);
        m.execute();
      }
      byte[] expected = ConcurrencyTest.bytes(m.output(0));
      Figures before = Figures.now(file);
      long t0 = System.nanoTime();
      for (long i = 0; i < executions; i++) {
        m.setInputs(args);
        m.execute();
      }
      long took = System.nanoTime() - t0;
      Figures after = Figures.now(file);
      System.out.printf("%s: %d executions in %.1f s (%.1f us each)%n", model, executions, took / 1e9,
          took / 1e3 / executions);
      assertFlat(model + " x " + executions, before, after);
      assertThat(ConcurrencyTest.bytes(m.output(0))).as("the last output, bit for bit").isEqualTo(expected);
    }
  }

  @Test
  @Timeout(3600)
  void mlpExecutionsKeepMemoryThreadsAndDescriptorsFlat() {
    soak("mlp", MLP);
  }

  @Test
  @Timeout(3600)
  void digitsCnnExecutionsKeepMemoryThreadsAndDescriptorsFlat() {
    soak("digits_cnn", CNN);
  }

  @Test
  @Timeout(3600)
  void loadingRunningAndClosingAProgramLeaksNothing() {
    Path pte = RealPrograms.FIXTURES.resolve("digits_cnn/digits_cnn.portable.pte");
    List<EValue> in = inputs(RealPrograms.FIXTURES.resolve("digits_cnn/digits_cnn.portable.bpte"));
    EValue[] args = in.toArray(EValue[]::new);
    Runnable cycle = () -> {
      try (Program p = Program.load(pte); Method m = p.loadMethod("forward")) {
        m.setInputs(args);
        m.execute();
      }
    };
    for (int i = 0; i < 50; i++) {
      cycle.run();
    }
    Figures before = Figures.now(pte);
    assertThat(before.mappings()).as("no mapping of the file outlives its program").isIn(0L, -1L);
    for (long i = 0; i < LOADS; i++) {
      cycle.run();
    }
    Figures after = Figures.now(pte);
    assertFlat("load/run/close x " + LOADS, before, after);
    assertThat(after.mappings()).as("mapped segments released").isIn(0L, -1L);
    // While a program is open its file is mapped: the check above can see a leak.
    try (Program p = Program.load(pte)) {
      assertThat(Figures.now(pte).mappings()).isIn(1L, -1L);
    }
  }
}
