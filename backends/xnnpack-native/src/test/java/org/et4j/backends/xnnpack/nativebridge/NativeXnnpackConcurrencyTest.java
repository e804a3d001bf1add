package org.et4j.backends.xnnpack.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Methods on several threads, each with its own native runtime, sharing the process's
 * pthreadpool: every result stays ExecuTorch's bit for bit (native XNNPACK is the library
 * ExecuTorch itself ran to make the expected outputs).
 */
class NativeXnnpackConcurrencyTest {
  private static final Path BPTE = Path.of(System.getProperty("et4j.repo.dir", "../.."))
      .resolve("conformance/fixtures/digits_cnn/digits_cnn.xnnpack-qd8.bpte");

  @Test
  void methodsOnFourThreadsWithTwoXnnpackThreadsEachMatchExecuTorchExactly() throws Exception {
    String why = NativeXnnpackConformanceTest.libraryUnavailable();
    Assumptions.assumeTrue(why == null, () -> "native XNNPACK is not available here, so not run: " + why);
    LoadOptions nativeTwoThreads = LoadOptions.builder().threads(2).backendOption("xnnpack", "native").build();
    int threads = 4;
    int rounds = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (BundledProgram bundle = BundledProgram.load(BPTE); Program program = Program.load(BPTE, nativeTwoThreads)) {
      List<BundledProgram.TestCase> cases = bundle.testCases("forward");
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<Integer>> done = new ArrayList<>();
      long before = NativeXnnRuntime.executed();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          try (Method m = program.loadMethod("forward")) {
            start.await();
            int passed = 0;
            for (int r = 0; r < rounds; r++) {
              for (BundledProgram.TestCase tc : cases) {
                if (BundledProgram.runCase(m, tc, 0, 0).passed()) {
                  passed++;
                }
              }
            }
            return passed;
          }
        }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(rounds * cases.size());
      }
      assertThat(NativeXnnRuntime.executed() - before).isGreaterThanOrEqualTo((long) threads * rounds * cases.size());
    } finally {
      pool.shutdownNow();
    }
  }
}
