package org.et4j.runtime.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.hostile.TinyProgram.Hollow;
import org.et4j.runtime.hostile.TinyProgram.I;
import org.et4j.runtime.hostile.TinyProgram.IL;
import org.et4j.runtime.hostile.TinyProgram.JumpFalse;
import org.et4j.runtime.hostile.TinyProgram.Kernel;
import org.et4j.runtime.hostile.TinyProgram.TinyData;
import org.et4j.runtime.testing.Fixtures;
import org.et4j.runtime.testing.TestKernels;
import org.et4j.schema.program.InstructionArguments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Files with one known defect each, and the error ExecuTorch's rules give for it: the code, and a
 * message that names the place (byte offset, table and index, method and value). Programs are
 * written with {@link TinyProgram}; header defects are patched into real files.
 */
class HostileCraftedTest {
  @BeforeAll
  static void limits() {
    HostileHarness.init();
  }

  /** Loads, describes, binds with dummy kernels, feeds zeros and executes: the whole path. */
  static void runAll(byte[] pte, byte[]... ptd) {
    try (Program p = Program.load(pte, ptd)) {
      MethodMeta meta = p.methodMeta("forward");
      try (Method m = p.loadMethod("forward", HostileHarness.dummyKernels(meta), HostileHarness.NO_BACKENDS)) {
        for (int i = 0; i < m.inputCount(); i++) {
          var t = meta.inputs().get(i).tensor();
          m.setInput(i, EValue.from(Tensor.zeros(t.dtype(), t.sizes().stream().mapToLong(Integer::longValue).toArray())));
        }
        m.execute();
      }
    }
  }

  static void expect(ErrorCode code, ThrowingCallable call, String... fragments) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            ExecuTorchException.class,
            e -> {
              assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
              assertThat(e.getMessage()).contains(fragments);
            });
  }

  static byte[] upstream(String name) {
    return HostileFiles.read(Fixtures.upstream(name));
  }

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void theTinyProgramIsValidAndAdds() {
    try (Program p = Program.load(TinyProgram.add().build());
        Method m = p.loadMethod("forward", TestKernels.registry(), HostileHarness.NO_BACKENDS)) {
      m.setInputs(EValue.from(Tensor.fromArray(new float[] {1, 2}, 2)), EValue.from(Tensor.fromArray(new float[] {3, 4}, 2)));
      m.execute();
      assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(4f, 6f);
    }
    TinyProgram withHeader = TinyProgram.add();
    withHeader.extendedHeader = true;
    runAll(withHeader.build());
  }

  /** The verifier's work budget (one unit per table, element and byte) holds for every real file. */
  @Test
  void everyRealFileFitsTheVerifierBudget() throws java.io.IOException {
    java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
    for (String name : new String[] {"add.pte", "add_with_constant.pte", "module_linear_no_constant_segment.pte",
        "bundled_program.bpte", "keyword_spotting_cortex_m.pte", "stories260k_qnn.pte"}) {
      files.add(Fixtures.upstream(name));
    }
    java.nio.file.Path conformance = Fixtures.repo().resolve("conformance/fixtures");
    if (java.nio.file.Files.isDirectory(conformance)) {
      try (var walk = java.nio.file.Files.walk(conformance)) {
        walk.filter(f -> f.toString().endsWith(".pte") || f.toString().endsWith(".bpte")).sorted().forEach(files::add);
      }
    }
    for (java.nio.file.Path f : files) {
      java.nio.file.Path ptd = f.resolveSibling(f.getFileName().toString().replaceAll("\\.b?pte$", ".ptd"));
      try (Program p = java.nio.file.Files.exists(ptd) ? Program.load(f, ptd) : Program.load(f)) {
        for (String m : p.methodNames()) {
          assertThat(p.methodMeta(m).name()).as(f.toString()).isEqualTo(m);
        }
      }
    }
    assertThat(files).hasSizeGreaterThan(5);
  }

  /** The mapped-file path (Program.load(Path)) fails as the in-memory one does, and unmaps. */
  @Test
  void damagedFilesOnDiskFailCleanly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    byte[] whole = upstream("add_with_constant.pte");
    for (int length : new int[] {0, 1, 7, 8, 40, 1040, 1155}) {
      java.nio.file.Path f = dir.resolve("cut-" + length + ".pte");
      java.nio.file.Files.write(f, Arrays.copyOf(whole, length));
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(f), "");
      expect(ErrorCode.INVALID_PROGRAM, () -> BundledProgram.load(f), "");
      java.nio.file.Files.delete(f); // the mapping was released, or this would fail on some systems
    }
    java.nio.file.Path data = dir.resolve("w.ptd");
    byte[] ptd = new TinyData().entry("w", TinyProgram.floats(3, 4), (byte) 6, 2).build();
    java.nio.file.Files.write(data, Arrays.copyOf(ptd, ptd.length - 1));
    java.nio.file.Path program = dir.resolve("p.pte");
    java.nio.file.Files.write(program, HostileSeedsTest.externalDataProgram());
    expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program, data), "external data file w.ptd:");
    expect(ErrorCode.ACCESS_FAILED, () -> Program.load(dir.resolve("missing.pte")), "no such file");
  }

  @Nested
  class Headers {
    @Test
    void wrongIdentifier() {
      byte[] b = upstream("add.pte");
      b[7] = '3';
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "identifier 'ET13' at byte 4");
    }

    @Test
    void extendedHeaderLengthTooSmallOrPastTheFile() {
      byte[] b = upstream("add_with_constant.pte");
      le(b).putInt(12, 8);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "extended header at byte 8 has length 8");
      le(b).putInt(12, -1);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "extended header at byte 8 has length 4294967295");
    }

    @Test
    void programSizePastTheFile() {
      byte[] b = upstream("add_with_constant.pte");
      le(b).putLong(16, b.length + 1L);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "program_size 1157", "file size 1156");
      le(b).putLong(16, -1L);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "program_size 18446744073709551615");
    }

    @Test
    void segmentDataPastTheFile() {
      byte[] b = Arrays.copyOf(upstream("add_with_constant.pte"), 1155);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "expects 1152 + 4 bytes, the file has 1155");
    }

    @Test
    void segmentPastTheEnd() {
      TinyProgram p = TinyProgram.add();
      p.segments.add(new byte[64]);
      byte[] full = p.build();
      le(full).putLong(32, 0); // no segment_data_size: only the segment table can tell
      byte[] b = Arrays.copyOf(full, full.length - 16);
      expect(ErrorCode.INVALID_PROGRAM, () -> Program.load(b), "segments[0] (offset 0, size 64", "extends past the end of the file");
    }
  }

  @Nested
  class Tensors {
    @Test
    void constantIndexOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.segments.add(TinyProgram.floats(1, 2));
      p.constantOffsets = new long[] {0, 0};
      p.tensor(1).memoryId = null;
      p.tensor(1).dataBufferIdx = 5;
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "constant segment buffer index 5 of method 'forward' value 1", "range 2");
    }

    @Test
    void memoryIdZeroOrTooLarge() {
      TinyProgram p = TinyProgram.add();
      p.tensor(0).memoryId = 0L;
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "method 'forward' value 0: memory_id 0 is not one of the method's 1 planned buffers");
      p.tensor(0).memoryId = 2L;
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "value 0: memory_id 2");
      p.tensor(0).memoryId = 0xFFFFFFFFL;
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "value 0: memory_id 4294967295");
    }

    @Test
    void plannedOffsetPastTheBuffer() {
      TinyProgram p = TinyProgram.add();
      p.tensor(3).offset(20);
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "value 3: planned offset 20 + 8 bytes exceeds planned buffer 1 of 24 bytes");
      p.tensor(3).offset(1L << 32);
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "value 3: planned offset 4294967296");
      p.tensor(3).offset(-8L);
      expect(ErrorCode.INVALID_ARGUMENT, () -> runAll(p.build()), "value 3: planned offset 18446744073709551608");
    }

    @Test
    void plannedMemoryOverTheLimit() {
      TinyProgram p = TinyProgram.add();
      p.bufferSizes = new long[] {0, HostileHarness.MAX_PLANNED_BYTES + 1};
      expect(ErrorCode.MEMORY_ALLOCATION_FAILED, () -> runAll(p.build()), "method 'forward' needs more planned memory than the limit");
      p.bufferSizes = new long[] {0, -1};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "non_const_buffer_sizes[1] is negative");
    }

    @Test
    void dynamicUnboundIsNotSupported() {
      TinyProgram p = TinyProgram.add();
      p.tensor(3).dynamism = 2;
      expect(ErrorCode.NOT_SUPPORTED, () -> runAll(p.build()), "method 'forward' value 3: DYNAMIC_UNBOUND");
    }

    @Test
    void negativeSize() {
      TinyProgram p = TinyProgram.add();
      p.tensor(0).sizes = new int[] {-1};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' input 0 (value 0)", "size must be non-negative, got -1 at dimension 0");
    }

    @Test
    void rankOverSixteen() {
      TinyProgram p = TinyProgram.add();
      p.tensor(3).sizes = new int[17];
      Arrays.fill(p.tensor(3).sizes, 1);
      p.tensor(3).dimOrder = new byte[17];
      for (int i = 0; i < 17; i++) {
        p.tensor(3).dimOrder[i] = (byte) i;
      }
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' output 0 (value 3) has rank 17; the maximum is 16");
    }

    /** Found by the mutation test: the element count overflowed with an ArithmeticException. */
    @Test
    void sizesWhoseProductOverflows() {
      TinyProgram p = TinyProgram.add();
      p.tensor(0).sizes = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
      p.tensor(0).dimOrder = new byte[] {0, 1, 2};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "input 0 (value 0): byte size of float32[2147483647, 2147483647, 2147483647] overflows");
    }

    @Test
    void dimOrderNotAPermutation() {
      TinyProgram p = TinyProgram.add();
      p.tensor(1).dimOrder = new byte[] {(byte) 200};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "input 1 (value 1) has dim_order that is not a permutation");
    }

    /**
     * Found by the mutation test: a constant named as a method input was copied into, a write to
     * the read-only program. ExecuTorch shares the caller's data for inputs that are not planned.
     */
    @Test
    void constantNamedAsAnInputIsNeverWritten() {
      TinyProgram p = TinyProgram.add();
      p.segments.add(TinyProgram.floats(10, 20));
      p.constantOffsets = new long[] {0, 0};
      p.tensor(1).memoryId = null;
      p.tensor(1).dataBufferIdx = 1;
      byte[] file = p.build();
      byte[] before = file.clone();
      try (Program program = Program.load(file);
          Method m = program.loadMethod("forward", TestKernels.registry(), HostileHarness.NO_BACKENDS)) {
        m.setInputs(EValue.from(Tensor.fromArray(new float[] {1, 2}, 2)), EValue.from(Tensor.fromArray(new float[] {3, 4}, 2)));
        m.execute();
        assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(4f, 6f);
      }
      assertThat(file).isEqualTo(before);
    }
  }

  @Nested
  class Indices {
    @Test
    void operatorIndexOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.instructions.set(0, new Kernel(7, 0, 1, 2, 3, 3));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' instruction 0: operator index 7 out of range 0..0");
    }

    @Test
    void inputOrOutputValueIndexOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.inputs = new int[] {0, 99};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' input 1 refers to value 99 but the method has 4 values");
      p.inputs = new int[] {0, 1};
      p.outputs = new int[] {-1};
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' output 0 refers to value -1");
    }

    @Test
    void kernelArgumentOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.instructions.set(0, new Kernel(0, 0, 1, 2, 3, 99));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' instruction 0 (aten::add.out) argument 4 refers to value 99");
    }

    @Test
    void intListItemOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.values.add(new IL(2, 42));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' value 4: int list item 1 refers to value 42 of 5");
    }

    @Test
    void jumpDestinationOutOfRange() {
      TinyProgram p = TinyProgram.add();
      p.values.add(new I(0));
      p.instructions.add(new JumpFalse(4, 5));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "method 'forward' instruction 1: jump destination 5 outside 0..2");
      p.instructions.set(1, new JumpFalse(4, -1));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "instruction 1: jump destination -1");
      p.instructions.set(1, new JumpFalse(40, 0));
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "instruction 1 condition refers to value 40");
    }

    /** Found by the mutation test: a union with a type but no table gave a NullPointerException. */
    @Test
    void instructionWithTypeButNoArguments() {
      for (byte type :
          new byte[] {
            InstructionArguments.KernelCall, InstructionArguments.DelegateCall, InstructionArguments.MoveCall,
            InstructionArguments.JumpFalseCall, InstructionArguments.FreeCall
          }) {
        TinyProgram p = TinyProgram.add();
        p.instructions.add(new Hollow(type));
        expect(ErrorCode.INVALID_PROGRAM, () -> runAll(p.build()), "instructions[1].instr_args has type " + type + " but no value");
      }
    }

    /**
     * A values table whose entries all share one int list of as many items: small on disk,
     * quadratic in memory if every entry were expanded. Found by reading the verifier: it charged
     * a vector one unit whatever its length, so sharing went unbounded.
     */
    @Test
    void sharedListsCannotMultiplyWork() {
      byte[] pte = TinyProgram.sharedIntList(20_000);
      long t0 = System.nanoTime();
      expect(ErrorCode.INVALID_PROGRAM, () -> runAll(pte), "too many objects to verify");
      assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }
  }

  @Nested
  class Execution {
    /**
     * A loop whose first jump reads a 64 KiB all-true bool constant and falls through, and whose
     * second jumps back on a false flag. Each round trip used to cost two of the ten million
     * instructions the budget allows but 64 Ki element reads: hours. Reads now count against
     * the budget.
     */
    @Test
    void loopOverALargeTensorConditionEndsQuickly() {
      byte[] pte = TinyProgram.tensorConditionLoop(1 << 16);
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> expect(ErrorCode.INVALID_PROGRAM, () -> runAll(pte), "method 'forward' instruction", "instruction execution limit"));
    }
  }

  @Nested
  class Scratch {
    static void runWithScratch(long bytes) {
      var kernels =
          org.et4j.runtime.kernel.KernelRegistry.builder()
              .register("aten::add.out", args -> ctx -> ctx.scratch(bytes))
              .build();
      try (Program p = Program.load(TinyProgram.add().build());
          Method m = p.loadMethod("forward", kernels, HostileHarness.NO_BACKENDS)) {
        m.setInputs(EValue.from(Tensor.zeros(org.et4j.runtime.ScalarType.FLOAT, 2)), EValue.from(Tensor.zeros(org.et4j.runtime.ScalarType.FLOAT, 2)));
        m.execute();
      }
    }

    /**
     * Kernels size their scratch from shapes and arguments that a hostile program controls; a
     * request for a terabyte ended in an OutOfMemoryError, which no caller expects.
     */
    @Test
    void scratchBeyondTheLimitIsAnAllocationFailure() {
      expect(ErrorCode.MEMORY_ALLOCATION_FAILED, () -> runWithScratch(1L << 40),
          "method 'forward' instruction 0 (aten::add.out", "kernel scratch of 1099511627776 bytes exceeds the limit of 67108864 bytes");
      expect(ErrorCode.INVALID_ARGUMENT, () -> runWithScratch(-1), "negative kernel scratch size -1");
      runWithScratch(1 << 20);
    }
  }

  @Nested
  class Outputs {
    static EValue output(byte[] pte) {
      try (Program p = Program.load(pte);
          Method m = p.loadMethod("forward", HostileHarness.NO_KERNELS, HostileHarness.NO_BACKENDS)) {
        m.execute();
        return m.output(0);
      }
    }

    /** One non-contiguous tensor named a thousand times is copied to row-major order once. */
    @Test
    void aTensorRepeatedInAListIsCopiedOnce() {
      byte[] pte = TinyProgram.overlappingTensors(1, 1000);
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> assertThat(((EValue.TensorList) output(pte)).values()).hasSize(1000).allMatch(t -> t.numel() == 1 << 20));
    }

    /**
     * Two hundred distinct tensors over the same 4 MiB: copying each would take 800 MiB from a
     * file of a few KiB. Found by reading Method.output after the fuzzers came back clean.
     */
    @Test
    void overlappingNonContiguousTensorsInAListAreRefused() {
      byte[] pte = TinyProgram.overlappingTensors(200, 200);
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> expect(ErrorCode.NOT_SUPPORTED, () -> output(pte), "method 'forward' output 0: its non-contiguous tensors overlap"));
    }

    /** The same through {@code outputs()}, with each of the two hundred tensors an output. */
    @Test
    void overlappingNonContiguousOutputsAreRefused() {
      byte[] pte = TinyProgram.overlappingTensors(200, 0);
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () ->
              expect(
                  ErrorCode.NOT_SUPPORTED,
                  () -> {
                    try (Program p = Program.load(pte);
                        Method m = p.loadMethod("forward", HostileHarness.NO_KERNELS, HostileHarness.NO_BACKENDS)) {
                      m.execute();
                      assertThat(m.output(199).toTensor().numel()).isEqualTo(1 << 20);
                      m.outputs();
                    }
                  },
                  "method 'forward' outputs: its non-contiguous tensors overlap"));
    }
  }

  @Nested
  class Bundles {
    /**
     * Found by reading BundledProgram after adding it to the harness: a test-case tensor with no
     * elements may have no data vector at all, and decoding it raised a NullPointerException.
     */
    @Test
    void emptyTestCaseTensorWithoutDataVector() {
      byte[] bpte = HostileSeedsTest.bundle(TinyProgram.add().build(), new int[] {0});
      try (BundledProgram b = BundledProgram.load(java.lang.foreign.MemorySegment.ofArray(bpte))) {
        assertThat(b.testCases("forward")).hasSize(1);
        assertThat(b.testCases("forward").get(0).inputs().get(0).toTensor().numel()).isZero();
      }
    }

    @Test
    void testCaseTensorWithoutDataForElements() {
      byte[] bpte = HostileSeedsTest.bundle(TinyProgram.add().build(), new int[] {2});
      expect(ErrorCode.INVALID_PROGRAM, () -> BundledProgram.load(java.lang.foreign.MemorySegment.ofArray(bpte)),
          "bundled test suite 'forward' case 0 input 0: 0 data bytes for float32[2]");
    }
  }

  @Nested
  class ExternalData {
    /** y = value 1 is an external constant named "w". */
    TinyProgram program() {
      TinyProgram p = TinyProgram.add();
      p.inputs = new int[] {0};
      p.tensor(1).memoryId = null;
      p.tensor(1).fqn = "w";
      p.tensor(1).external = true;
      return p;
    }

    TinyData data() {
      return new TinyData().entry("w", TinyProgram.floats(3, 4), (byte) 6, 2);
    }

    @Test
    void programWithItsDataRuns() {
      try (Program p = Program.load(program().build(), data().build());
          Method m = p.loadMethod("forward", TestKernels.registry(), HostileHarness.NO_BACKENDS)) {
        m.setInput(0, EValue.from(Tensor.fromArray(new float[] {1, 2}, 2)));
        m.execute();
        assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(4f, 6f);
      }
    }

    @Test
    void missingDataFile() {
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> runAll(program().build()), "external tensor 'w' at method 'forward' value 1 is not in the named data");
    }

    @Test
    void duplicateKeyInProgramAndDataFile() {
      TinyProgram p = program();
      p.segments.add(TinyProgram.floats(5, 6));
      p.namedData.add(new String[] {"w", "0"});
      expect(ErrorCode.INVALID_ARGUMENT, () -> Program.load(p.build(), data().build()), "named data key 'w' is in both program and external data 0");
    }

    @Test
    void duplicateKeyInsideTheDataFile() {
      TinyData d = data().entry("w", TinyProgram.floats(7, 8), (byte) 6, 2);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program().build(), d.build()), "external data 0: named_data[1] repeats the key 'w'");
    }

    @Test
    void badHeaderMagic() {
      byte[] d = data().build();
      d[8] = 'X';
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program().build(), d), "external data 0: header magic 'XH01' at byte 8");
    }

    @Test
    void versionOtherThanZero() {
      TinyData d = data();
      d.version = 3;
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program().build(), d.build()), "external data 0: FlatTensor version 3 is not supported");
    }

    @Test
    void segmentPastTheEnd() {
      byte[] full = data().build();
      le(full).putLong(40, 0); // no segment_data_size: only the segment table can tell
      byte[] d = Arrays.copyOf(full, full.length - 4);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program().build(), d), "external data 0: segments[0] (offset 0, size 8) extends past the end of the file");
      byte[] whole = data().build();
      byte[] cut = Arrays.copyOf(whole, whole.length - 4);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> Program.load(program().build(), cut), "external data 0: segment data", "extends past the end of the file");
    }

    @Test
    void layoutThatDiffersFromTheProgram() {
      TinyData d = new TinyData().entry("w", TinyProgram.floats(3, 4, 5), (byte) 6, 3);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> runAll(program().build(), d.build()),
          "external tensor 'w' at method 'forward' value 1 is float32[2] in the program but float32[3]");
      TinyData wrongType = new TinyData().entry("w", TinyProgram.floats(3, 4), (byte) 3, 2);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> runAll(program().build(), wrongType.build()), "is float32[2] in the program but int32[2]");
    }

    @Test
    void blobShorterThanTheTensor() {
      TinyData d = new TinyData().entry("w", TinyProgram.floats(3), (byte) 6, 2);
      expect(ErrorCode.INVALID_EXTERNAL_DATA, () -> runAll(program().build(), d.build()), "external tensor 'w' at method 'forward' value 1 has 4 bytes, needs 8");
    }
  }
}
