package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.runtime.testing.TestKernels;
import org.junit.jupiter.api.Test;

/** Every upstream fixture loads and reports its true methods, operators and layout. */
class UpstreamFixturesTest {
  private static final BackendRegistry NO_BACKENDS = BackendRegistry.builder().build();

  @Test
  void addHasNoExtendedHeaderAndOneAddCall() {
    try (Program p = Program.load(Fixtures.upstream("add.pte"))) {
      assertThat(p.methodNames()).containsExactly("forward");
      MethodMeta m = p.methodMeta("forward");
      assertThat(m.inputs()).hasSize(2);
      assertThat(m.inputs().get(0).tensor().describe()).isEqualTo("float32[1]");
      assertThat(m.outputs()).hasSize(1);
      assertThat(m.operators()).containsExactly(new OperatorUse("aten::add.out", 1));
      assertThat(m.delegates()).isEmpty();
      ProgramLayout layout = p.layout();
      assertThat(layout.fileSize()).isEqualTo(728);
      assertThat(layout.extendedHeaderLength()).isZero();
      assertThat(layout.programSize()).isEqualTo(728);
      assertThat(layout.constantStorage()).isEqualTo("none");

      try (Method method = p.loadMethod("forward", TestKernels.registry(), NO_BACKENDS)) {
        method.setInputs(EValue.from(Tensor.fromArray(new float[] {2.5f}, 1)), EValue.from(Tensor.fromArray(new float[] {4f}, 1)));
        method.execute();
        assertThat(method.output(0).toTensor().toFloatArray()).containsExactly(6.5f);
      }
    }
  }

  @Test
  void deprecatedConstantBufferYieldsItsTwoByTwoConstants() {
    try (Program p = Program.load(Fixtures.upstream("module_linear_no_constant_segment.pte"))) {
      ProgramLayout layout = p.layout();
      assertThat(layout.constantStorage()).isEqualTo("constant_buffer");
      assertThat(layout.extendedHeaderLength()).isZero();
      MethodMeta m = p.methodMeta("forward");
      assertThat(m.operators())
          .containsExactly(new OperatorUse("aten::mul.out", 1), new OperatorUse("aten::add.out", 1));
      assertThat(m.plannedBufferSizes()).containsExactly(32L);
      try (Method method = p.loadMethod("forward", TestKernels.registry(), NO_BACKENDS)) {
        method.setInput(0, EValue.from(Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2)));
        method.execute();
        // forward(x) = 3 * x + 2 with the constants a = 3 * ones(2, 2) and b = 2 * ones(2, 2).
        assertThat(method.output(0).toTensor().toFloatArray()).containsExactly(5f, 8f, 11f, 14f);
      }
    }
  }

  @Test
  void addWithConstantUsesExtendedHeaderAndConstantSegment() {
    try (Program p = Program.load(Fixtures.upstream("add_with_constant.pte"))) {
      ProgramLayout layout = p.layout();
      assertThat(layout.extendedHeaderLength()).isEqualTo(32);
      assertThat(layout.programSize()).isEqualTo(1040);
      assertThat(layout.segmentBaseOffset()).isEqualTo(1152);
      assertThat(layout.segmentDataSize()).isEqualTo(4);
      assertThat(layout.constantStorage()).isEqualTo("constant_segment");
      assertThat(layout.segments()).hasSize(1);
      assertThat(layout.segments().get(0).content()).isEqualTo("constants");
      try (Method method = p.loadMethod("forward", TestKernels.registry(), NO_BACKENDS)) {
        assertThat(method.meta().inputs().get(0).tensor().describe()).isEqualTo("float32[3]");
        method.setInput(0, EValue.from(Tensor.fromArray(new float[] {41f, -1f, 0.5f}, 3)));
        method.execute();
        assertThat(method.output(0).toTensor().toFloatArray()).containsExactly(42f, 0f, 1.5f);
        // A static input keeps its shape: ExecuTorch's NotSupported.
        assertThatThrownBy(() -> method.setInput(0, EValue.from(Tensor.fromArray(new float[] {1f}, 1))))
            .isInstanceOfSatisfying(
                ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED));
      }
    }
  }

  @Test
  void keywordSpottingListsEveryMissingCortexMOperatorAtOnce() {
    try (Program p = Program.load(Fixtures.upstream("keyword_spotting_cortex_m.pte"))) {
      MethodMeta m = p.methodMeta("forward");
      List<String> ops = m.operators().stream().map(OperatorUse::name).toList();
      assertThat(ops)
          .contains(
              "cortex_m::quantize_per_tensor.out",
              "cortex_m::quantized_conv2d.out",
              "cortex_m::quantized_depthwise_conv2d.out",
              "cortex_m::quantized_linear.out",
              "cortex_m::dequantize_per_tensor.out");
      assertThatThrownBy(() -> p.loadMethod("forward", KernelRegistry.builder().build(), NO_BACKENDS))
          .isInstanceOfSatisfying(
              ExecuTorchException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.OPERATOR_MISSING);
                for (String op : ops) {
                  assertThat(e.getMessage()).contains(op);
                }
              });
    }
  }

  @Test
  void qnnProgramListsGettersAndItsDelegate() {
    try (Program p = Program.load(Fixtures.upstream("stories260k_qnn.pte"))) {
      assertThat(p.methodNames()).contains("kv_forward", "prefill_forward", "get_max_seq_len", "get_vocab_size");
      MethodMeta kv = p.methodMeta("kv_forward");
      assertThat(kv.delegates()).hasSize(1);
      assertThat(kv.delegates().get(0).backendId()).isEqualTo("QnnBackend");
      assertThat(kv.delegates().get(0).location()).isEqualTo("segment");
      assertThat(kv.delegates().get(0).payloadSize()).isEqualTo(1331456);
      MethodMeta getter = p.methodMeta("get_max_seq_len");
      assertThat(getter.numInstructions()).isZero();
      assertThat(getter.outputs()).hasSize(1);
      assertThat(getter.outputs().get(0).tag()).isEqualTo(org.et4j.runtime.kernel.Value.Tag.INT);

      try (Method m = p.loadMethod("get_max_seq_len", KernelRegistry.builder().build(), NO_BACKENDS)) {
        m.execute();
        assertThat(m.output(0)).isInstanceOf(EValue.Int.class);
        assertThat(m.output(0).toInt()).isPositive();
      }
      // Every getter (a plan with no delegate) executes and returns its constant.
      int getters = 0;
      for (String name : p.methodNames()) {
        if (p.methodMeta(name).delegates().isEmpty()) {
          try (Method m = p.loadMethod(name, KernelRegistry.builder().build(), NO_BACKENDS)) {
            m.execute();
            assertThat(m.outputCount()).as(name).isPositive();
            getters++;
          }
        }
      }
      assertThat(getters).isEqualTo(p.methodNames().size() - 2);
      for (String delegated : List.of("kv_forward", "prefill_forward")) {
        assertThatThrownBy(() -> p.loadMethod(delegated, KernelRegistry.builder().build(), NO_BACKENDS))
            .isInstanceOfSatisfying(
                ExecuTorchException.class,
                e -> {
                  assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
                  assertThat(e.getMessage()).contains("QnnBackend").contains(delegated);
                });
      }
    }
  }

  @Test
  void bundledProgramLoadsTheProgramInside() {
    try (Program p = Program.load(Fixtures.upstream("bundled_program.bpte"))) {
      assertThat(p.isBundled()).isTrue();
      assertThat(p.methodNames()).contains("forward");
      assertThat(p.methodMeta("forward").operators().stream().map(OperatorUse::name))
          .contains("aten::mul.out", "aten::add.out");
    }
  }

  @Test
  void corruptIdentifierIsInvalidProgram() {
    byte[] bytes = new byte[64];
    bytes[4] = 'X';
    assertThatThrownBy(() -> Program.load(bytes))
        .isInstanceOfSatisfying(
            ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM));
  }
}
