package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.devtools.ETDump;
import org.et4j.runtime.devtools.ETDumpWriter;
import org.et4j.runtime.devtools.EventTracer;
import org.junit.jupiter.api.Test;

/**
 * The XNNPACK delegate under an ETDump writer reports one event per node, named as ExecuTorch
 * 1.5.1's XNNPACK profiler named them for the same fixtures, and traced executions compute the
 * same outputs as untraced ones.
 */
class DelegateTracingTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");

  private static List<String> delegateEvents(String fixture) {
    try (BundledProgram bp = BundledProgram.load(FIXTURES.resolve(fixture));
        Method m = bp.program().loadMethod("forward")) {
      EValue[] inputs = bp.testCases("forward").getFirst().inputs().toArray(EValue[]::new);
      m.setInputs(inputs);
      m.execute();
      float[] untraced = m.outputCopy(0).toTensor().toFloatArray();
      ETDumpWriter writer = ETDumpWriter.builder().debugLevel(EventTracer.DebugLevel.INTERMEDIATE_OUTPUTS).build();
      m.setEventTracer(writer);
      m.setInputs(inputs);
      m.execute();
      assertThat(m.outputCopy(0).toTensor().toFloatArray()).containsExactly(untraced);
      List<String> names = new ArrayList<>();
      for (ETDump.Event e : writer.etdump().runs().getFirst().events()) {
        if (e instanceof ETDump.ProfileEvent p) {
          names.add(p.displayName() + "@" + p.instructionId());
        }
      }
      return names;
    }
  }

  @Test
  void digitsCnnNodesAreNamedAsExecuTorchNamesThem() {
    // ExecuTorch's ETDump of the same file: instruction 1 runs Transpose, two IGEMM convolutions
    // (the first a "depthwise" node over one input channel), Max Pooling and Transpose; instruction
    // 3 two GEMM fully-connected layers.
    assertThat(delegateEvents("digits_cnn/digits_cnn.xnnpack.bpte")).containsExactly(
        "OPERATOR_CALL@0",
        "Transpose (ND, X32) #1@1", "Convolution (NHWC, F32) IGEMM #1@1", "Convolution (NHWC, F32) IGEMM #2@1",
        "Max Pooling (NHWC, F32) #1@1", "Transpose (ND, X32) #2@1", "DELEGATE_CALL@1",
        "OPERATOR_CALL@2",
        "Fully Connected (NC, F32) GEMM #1@3", "Fully Connected (NC, F32) GEMM #2@3", "DELEGATE_CALL@3",
        "Method::execute@0");
  }

  @Test
  void quantizedFullyConnectedIsNamedByItsActivationAndWeights() {
    assertThat(delegateEvents("mlp/mlp.xnnpack-qd8.bpte")).filteredOn(n -> n.startsWith("Fully"))
        .allMatch(n -> n.startsWith("Fully Connected (NC, QDU8, F32, QC8W) GEMM #"));
  }
}
