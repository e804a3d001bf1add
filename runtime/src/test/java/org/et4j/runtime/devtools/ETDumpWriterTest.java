package org.et4j.runtime.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/** The ETDump model through its flatbuffer and back, and the writer on a real exported program. */
class ETDumpWriterTest {
  /** ExecuTorch's export of {@code x * 2} over float32[2, 3]: a dim-order copy of the 2, then aten::mul.out. */
  static Program mul2() throws Exception {
    Path pte = Fixtures.repo().resolve(
        "runtime/src/test/resources/org/et4j/runtime/hostile/HostileFuzzTestInputs/programBytes/mul2.portable.pte");
    return Program.load(Files.readAllBytes(pte));
  }

  /** mul.out, and the dim-order copy that turns the int64 scalar 2 into float32 before it. */
  static Method loadMul2(Program p) {
    KernelRegistry kernels = KernelRegistry.builder()
        .register("aten::mul.out", args -> {
          TensorImpl a = args[0].toTensor();
          TensorImpl b = args[1].toTensor();
          TensorImpl out = args[2].toTensor();
          return ctx -> {
            out.resize(a.sizes());
            for (long i = 0; i < a.numel(); i++) {
              float y = b.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, b.numel() == 1 ? 0 : i);
              out.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, a.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i) * y);
            }
          };
        })
        .register("dim_order_ops::_to_dim_order_copy.out", args -> {
          TensorImpl a = args[0].toTensor();
          TensorImpl out = args[args.length - 1].toTensor();
          return ctx -> {
            out.resize(a.sizes());
            for (long i = 0; i < a.numel(); i++) {
              float v = a.dtype() == ScalarType.LONG
                  ? a.data().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i)
                  : a.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
              out.data().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
            }
          };
        })
        .build();
    return p.loadMethod("forward", kernels, BackendRegistry.builder().build());
  }

  @Test
  void everyKindOfEventSurvivesTheFlatbuffer() {
    ETDump dump = new ETDump(0, List.of(
        new ETDump.RunData("Execute", 3, List.of("planned_buffer_1"), List.of(
            new ETDump.AllocationEvent(1, 4096),
            new ETDump.DebugEvent(0, 2, -1, null, null,
                new ETDump.TensorValue(6, List.of(2L, 3L), List.of(3L, 1L), 64, false)),
            new ETDump.DebugEvent(0, 3, -1, null, "x",
                new ETDump.TensorListValue(List.of(new ETDump.TensorValue(4, List.of(0L), List.of(1L), -1, false)), false)),
            new ETDump.DebugEvent(0, 3, 7, null, null, new ETDump.IntValue(-5, false)),
            new ETDump.DebugEvent(0, 3, -1, "node", null, new ETDump.DoubleValue(2.5, false)),
            new ETDump.DebugEvent(0, 3, -1, null, null, new ETDump.FloatValue(1.5f, false)),
            new ETDump.DebugEvent(-1, 0, -1, null, null, new ETDump.BoolValue(true, true)),
            new ETDump.ProfileEvent(null, 0, 1, -1, "Add (ND) #1", new byte[] {1, 2}, 10, 20),
            new ETDump.ProfileEvent("OPERATOR_CALL", 0, 1, -1, null, null, 5, 25))),
        new ETDump.RunData("Execute", -1, List.of(), List.of())));
    byte[] bytes = dump.toByteArray();
    ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bb.getInt(0)).isEqualTo(bytes.length - 4);
    assertThat(new String(bytes, 8, 4)).isEqualTo("ED00");
    ETDump back = ETDump.parse(bytes);
    assertThat(back).usingRecursiveComparison().isEqualTo(dump);
    // -1 in the unsigned chain index field reads back as -1 (2^64 - 1 in Python).
    assertThat(((ETDump.DebugEvent) back.runs().getFirst().events().get(6)).chainIndex()).isEqualTo(-1L);
  }

  @Test
  void malformedBytesAreRejectedWithInvalidArgument() {
    byte[] good = new ETDump(0, List.of(new ETDump.RunData("Execute", -1, List.of(), List.of()))).toByteArray();
    assertThatThrownBy(() -> ETDump.parse(Arrays.copyOf(good, 6)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("malformed ETDump")
        .extracting(e -> ((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    byte[] wrongId = good.clone();
    wrongId[8] = 'X';
    assertThatThrownBy(() -> ETDump.parse(wrongId)).hasMessageContaining("identifier");
    byte[] badOffset = good.clone();
    ByteBuffer.wrap(badOffset).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << 20);
    assertThatThrownBy(() -> ETDump.parse(badOffset)).isInstanceOf(ExecuTorchException.class);
  }

  @Test
  void tracedExecutionsRecordWhatExecuTorchsTracerRecords() throws Exception {
    try (Program p = mul2(); Method m = loadMul2(p)) {
      ETDumpWriter writer = ETDumpWriter.builder().debugLevel(EventTracer.DebugLevel.INTERMEDIATE_OUTPUTS).build();
      m.setEventTracer(writer);
      float[] x = {1, 2, 3, -4, 5, 6};
      for (int i = 0; i < 2; i++) {
        writer.setBundledInputIndex(i);
        m.setInputs(EValue.from(Tensor.fromArray(x, 2, 3)));
        m.execute();
      }
      m.setEventTracer(null);
      m.setInputs(EValue.from(Tensor.fromArray(x, 2, 3)));
      m.execute();

      ETDump dump = writer.etdump();
      assertThat(dump.runs()).hasSize(2);
      for (int i = 0; i < 2; i++) {
        ETDump.RunData run = dump.runs().get(i);
        assertThat(run.name()).isEqualTo("Execute");
        assertThat(run.bundledInputIndex()).isEqualTo(i);
        List<String> shape = new ArrayList<>();
        for (ETDump.Event e : run.events()) {
          shape.add(switch (e) {
            case ETDump.ProfileEvent pe -> pe.name() + "@" + pe.chainIndex() + ":" + pe.instructionId();
            case ETDump.DebugEvent de -> "debug@" + de.chainIndex() + ":" + de.instructionId() + (de.value().output() ? " output" : "");
            case ETDump.AllocationEvent a -> "allocation";
          });
        }
        assertThat(shape).containsExactly(
            "debug@0:0", "native_call__to_dim_order_copy.out@0:0", "OPERATOR_CALL@0:0",
            "debug@0:1", "native_call_mul.out@0:1", "OPERATOR_CALL@0:1",
            "Method::execute@-1:0", "debug@-1:0 output");
        ETDump.ProfileEvent execute = (ETDump.ProfileEvent) run.events().get(6);
        ETDump.ProfileEvent op = (ETDump.ProfileEvent) run.events().get(5);
        assertThat(op.startTime()).isGreaterThanOrEqualTo(execute.startTime());
        assertThat(op.endTime()).isLessThanOrEqualTo(execute.endTime()).isGreaterThanOrEqualTo(op.startTime());
      }
      // The intermediate's bytes, where its debug event says they are: x * 2.
      ETDump.TensorValue t = (ETDump.TensorValue) ((ETDump.DebugEvent) dump.runs().get(1).events().get(3)).value();
      assertThat(t.sizes()).containsExactly(2L, 3L);
      assertThat(t.strides()).containsExactly(3L, 1L);
      assertThat(t.offset() % 64).isZero();
      MemorySegment buf = MemorySegment.ofArray(writer.debugBuffer());
      float[] got = buf.asSlice(t.offset(), 24).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
      assertThat(got).containsExactly(2, 4, 6, -8, 10, 12);
      assertThat(ETDump.parse(dump.toByteArray())).usingRecursiveComparison().isEqualTo(dump);
    }
  }

  @Test
  void plannedMemoryAddsAllocatorsAndAllocationEvents() throws Exception {
    try (Program p = mul2(); Method m = loadMul2(p)) {
      List<Long> sizes = m.meta().plannedBufferSizes().subList(1, m.meta().plannedBufferSizes().size());
      ETDumpWriter writer = ETDumpWriter.builder().plannedMemory(sizes).build();
      m.setEventTracer(writer);
      m.setInputs(EValue.from(Tensor.fromArray(new float[6], 2, 3)));
      m.execute();
      ETDump.RunData run = writer.etdump().runs().getFirst();
      assertThat(run.allocators()).hasSize(sizes.size());
      for (int i = 0; i < sizes.size(); i++) {
        assertThat(run.events().get(i)).isEqualTo(new ETDump.AllocationEvent(i + 1, sizes.get(i)));
      }
    }
  }

  @Test
  void nativeCallNamesFollowExecuTorchsCodegen() {
    assertThat(ETDumpWriter.nativeCallName("aten::addmm.out")).isEqualTo("native_call_addmm.out");
    assertThat(ETDumpWriter.nativeCallName("quantized_decomposed::quantize_per_tensor.out"))
        .isEqualTo("native_call_quantize_per_tensor.out");
    assertThat(ETDumpWriter.nativeCallName("executorch_prim::et_view.default")).isNull();
    assertThat(ETDumpWriter.nativeCallName("aten::sym_size.int")).isNull();
  }
}
