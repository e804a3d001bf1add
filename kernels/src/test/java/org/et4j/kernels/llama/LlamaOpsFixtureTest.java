package org.et4j.kernels.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.OperatorUse;
import org.junit.jupiter.api.Test;

/**
 * The llama:: kernels against the ExecuTorch runtime: programs calling llama::update_cache and
 * llama::custom_sdpa, exported by ExecuTorch's toolchain, whose bundled expected outputs the
 * ExecuTorch runtime produced (conformance/python/llm_ops.py).
 */
class LlamaOpsFixtureTest {
  private static final double RTOL = 1e-5;
  private static final double ATOL = 1e-5;

  static Path fixture(String name) {
    try {
      return Path.of(LlamaOpsFixtureTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  static List<String> operators(BundledProgram b) {
    MethodMeta meta = b.program().methodMeta("forward");
    return meta.operators().stream().map(OperatorUse::name).toList();
  }

  @Test
  void causalGroupedQueryAttentionOverACacheCarriedAcrossPrefillAndDecodeCalls() {
    try (BundledProgram b = BundledProgram.load(fixture("kv_attend.bpte"));
        Method m = b.program().loadMethod("forward")) {
      assertThat(operators(b)).anyMatch(n -> n.startsWith("llama::update_cache")).anyMatch(n -> n.startsWith("llama::custom_sdpa"));
      List<BundledProgram.TestCase> cases = b.testCases("forward");
      assertThat(cases).hasSize(4);
      // In order on one method: each case reads the cache the earlier ones wrote.
      for (BundledProgram.TestCase tc : cases) {
        BundledProgram.CaseResult r = BundledProgram.runCase(m, tc, RTOL, ATOL);
        assertThat(r.passed()).as("case %d: %s", tc.index(), r).isTrue();
      }
    }
  }

  @Test
  void maskedAttentionWithAnExplicitScale() {
    try (BundledProgram b = BundledProgram.load(fixture("masked_attend.bpte"));
        Method m = b.program().loadMethod("forward")) {
      for (BundledProgram.TestCase tc : b.testCases("forward")) {
        BundledProgram.CaseResult r = BundledProgram.runCase(m, tc, RTOL, ATOL);
        assertThat(r.passed()).as("case %d: %s", tc.index(), r).isTrue();
      }
    }
  }

  @Test
  void aDecodeStepPastTheCacheIsRefusedWithThePosition() {
    try (BundledProgram b = BundledProgram.load(fixture("kv_attend.bpte"));
        Method m = b.program().loadMethod("forward")) {
      BundledProgram.TestCase decode = b.testCases("forward").get(1);
      m.setInputs(decode.inputs().get(0), decode.inputs().get(1), decode.inputs().get(2),
          org.et4j.runtime.EValue.from(org.et4j.runtime.Tensor.wrap(new long[] {16}, 1)));
      assertThatThrownBy(m::execute).isInstanceOf(ExecuTorchException.class);
    }
  }
}
