package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.delegate.DelegateContents;
import org.junit.jupiter.api.Test;

/**
 * The XNNPACK delegate seen from a program, on real exported files: external weights, what a
 * delegate describes, and the tolerance a delegated method gets from the nodes inside.
 */
class XnnpackDelegateTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");

  @Test
  void aProgramWhoseDelegateWeightsAreExternalFailsToLoadWithoutItsPtdNamingTheMissingKey() {
    Path bpte = FIXTURES.resolve("mlp/mlp.xnnpack-ptd.bpte");
    try (Program program = Program.load(bpte)) {
      assertThatThrownBy(() -> program.loadMethod("forward"))
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
            assertThat(e.getMessage())
                .contains("XnnpackBackend")
                .contains("constant data '")
                .containsPattern("'[0-9a-f]{64}'")
                .contains(".ptd");
          });
    }
  }

  @Test
  void theProgramsPlannedMemoryCapAlsoBoundsItsDelegatesIntermediateValues() {
    // digits_cnn's method plans 147,520 bytes (its inputs and outputs at the largest batch); the
    // delegate's convolutions need more than the 12,480 a cap of 160,000 leaves: met by the plan,
    // refused by the delegate, with the same way to raise it.
    Path bpte = FIXTURES.resolve("digits_cnn/digits_cnn.xnnpack.bpte");
    LoadOptions tight = LoadOptions.builder().maxPlannedMemory(160_000).build();
    try (Program program = Program.load(bpte, tight)) {
      assertThatThrownBy(() -> program.loadMethod("forward"))
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.MEMORY_ALLOCATION_FAILED);
            assertThat(e.getMessage())
                .contains("XnnpackBackend payload")
                .contains("intermediate values")
                .contains("more than the 12480 bytes the method's planned-memory limit leaves")
                .contains("maxPlannedMemory");
          });
    }
    try (Program program = Program.load(bpte, LoadOptions.builder().maxPlannedMemory(1 << 20).build());
        Method m = program.loadMethod("forward")) {
      assertThat(m.outputCount()).isEqualTo(1);
    }
  }

  @Test
  void theSameProgramRunsWithItsPtdAndMatchesExecuTorch() {
    Path bpte = FIXTURES.resolve("mlp/mlp.xnnpack-ptd.bpte");
    Path ptd = FIXTURES.resolve("mlp/mlp.xnnpack-ptd.ptd");
    try (BundledProgram bundle = BundledProgram.load(bpte, ptd);
        Method m = bundle.program().loadMethod("forward")) {
      for (BundledProgram.TestCase tc : bundle.testCases("forward")) {
        BundledProgram.CaseResult r = BundledProgram.runCase(m, tc, 1e-4, 1e-5);
        assertThat(r.passed()).as(r.toString()).isTrue();
      }
    }
  }

  @Test
  void onePayloadLoadedInSeveralMethodsRunsOnSeveralThreadsAtOnce() throws Exception {
    Path bpte = FIXTURES.resolve("digits_cnn/digits_cnn.xnnpack-qd8.bpte");
    try (BundledProgram bundle = BundledProgram.load(bpte)) {
      List<BundledProgram.TestCase> cases = bundle.testCases("forward");
      int threads = 4;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        for (int t = 0; t < threads; t++) {
          done.add(pool.submit(() -> {
            // Each thread owns its Method (and so its delegate handle), as the contract requires.
            try (Method m = bundle.program().loadMethod("forward")) {
              start.await();
              int passed = 0;
              for (int round = 0; round < 20; round++) {
                for (BundledProgram.TestCase tc : cases) {
                  // digits_cnn qd8 matches ExecuTorch bit for bit; any interference would show.
                  if (BundledProgram.runCase(m, tc, 0, 0).passed()) {
                    passed++;
                  }
                }
              }
              return passed;
            }
          }));
        }
        for (var f : done) {
          assertThat(f.get()).isEqualTo(20 * cases.size());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void delegatesDescribeTheirNodesAndDatatypes() {
    try (Program program = Program.load(FIXTURES.resolve("digits_cnn/digits_cnn.xnnpack-qd8.bpte"))) {
      List<DelegateContents> contents = program.delegateContents("forward");
      assertThat(contents).isNotEmpty().allSatisfy(c -> assertThat(c.backendId()).isEqualTo("XnnpackBackend"));
      List<String> nodes = contents.stream().flatMap(c -> c.nodes().stream()).map(DelegateContents.Entry::name).toList();
      assertThat(nodes).contains("Conv2d", "DepthwiseConv2d", "MaxPooling2d", "FullyConnected", "Convert");
      List<String> types = contents.stream().flatMap(c -> c.datatypes().stream()).map(DelegateContents.Entry::name).toList();
      assertThat(types).contains("fp32", "qdint8", "qcint8");
      assertThat(contents.stream().flatMap(c -> c.nodes().stream())).allMatch(DelegateContents.Entry::supported);
    }
  }

  @Test
  void aDelegatedMethodIsJudgedByTheFamiliesOfItsNodes() {
    try (Program exact = Program.load(FIXTURES.resolve("int64_indexing/int64_indexing.xnnpack.bpte"));
        Program matmul = Program.load(FIXTURES.resolve("mlp/mlp.xnnpack.bpte"))) {
      assertThat(ConformanceRunner.operatorsOf(matmul, "forward")).contains("aten::linear.out");
      Tolerance t = Tolerance.forOperators(ConformanceRunner.operatorsOf(matmul, "forward"), 0, 1);
      assertThat(t.rtol()).isEqualTo(Tolerance.Family.MATMUL.rtol);
      assertThat(ConformanceRunner.operatorsOf(exact, "forward")).contains("aten::add.out");
    }
  }
}
