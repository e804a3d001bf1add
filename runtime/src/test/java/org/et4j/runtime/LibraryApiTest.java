package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.hostile.TinyProgram;
import org.et4j.runtime.kernel.ComputeThreads;
import org.et4j.runtime.testing.TestKernels;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library surface: zero-copy tensors, outputs into caller memory, load options. */
class LibraryApiTest {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** {@code out = x + y} on float32[2]; inputs planned, or left to the caller's memory. */
  private static byte[] addProgram(boolean plannedInputs) {
    TinyProgram p = TinyProgram.add();
    if (!plannedInputs) {
      p.tensor(0).memoryId = null;
      p.tensor(1).memoryId = null;
    }
    return p.build();
  }

  private static Method load(Program program) {
    return program.loadMethod("forward", TestKernels.registry(), BackendRegistry.builder().build());
  }

  private static float at(Tensor t, int i) {
    return t.data().getAtIndex(F32, i);
  }

  @Nested
  class Wrap {
    @Test
    void anArrayIsNotCopied() {
      float[] a = {1, 2, 3, 4, 5, 6};
      Tensor t = Tensor.wrap(a, 2, 3);
      a[4] = 42;
      assertThat(at(t, 4)).isEqualTo(42f);
      assertThat(t.isWrapped()).isTrue();
      assertThat(t.isView()).isFalse();
      assertThat(Tensor.fromArray(a, 2, 3).isWrapped()).isFalse();
    }

    @Test
    void heapAndDirectBuffersAreNotCopied() {
      for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocate(8), ByteBuffer.allocateDirect(8)}) {
        b.order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = Tensor.wrap(ScalarType.FLOAT, b, 2);
        b.putFloat(4, 7.5f);
        assertThat(at(t, 1)).as(b.isDirect() ? "direct" : "heap").isEqualTo(7.5f);
        Tensor f = Tensor.wrap(b.asFloatBuffer(), 2);
        b.putFloat(0, -1f);
        assertThat(at(f, 0)).isEqualTo(-1f);
      }
    }

    @Test
    void aSegmentIsTheTensorsData() {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment s = arena.allocate(8);
        Tensor t = Tensor.wrap(ScalarType.FLOAT, s, 2);
        assertThat(t.data().address()).isEqualTo(s.address());
      }
    }

    @Test
    void sizesThatDoNotMatchAreRefused() {
      assertThatThrownBy(() -> Tensor.wrap(new float[5], 2, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("20 bytes but float32[2, 3] needs 24");
      assertThatThrownBy(() -> Tensor.wrap(ByteBuffer.allocate(8).asFloatBuffer(), 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("BIG_ENDIAN");
    }
  }

  @Nested
  class Inputs {
    @Test
    void anUnplannedInputRunsOnTheCallersMemory() {
      try (Program program = Program.load(addProgram(false));
          Method m = load(program);
          Arena arena = Arena.ofConfined()) {
        MemorySegment x = arena.allocate(8);
        x.setAtIndex(F32, 0, 1f);
        x.setAtIndex(F32, 1, 2f);
        float[] y = {10, 20};
        m.setInput(0, EValue.from(Tensor.wrap(ScalarType.FLOAT, x, 2)));
        m.setInput(1, EValue.from(Tensor.wrap(y, 2)));
        assertThat(m.input(0).data().address()).isEqualTo(x.address());
        // Written after setInput: the method sees it, because it reads the caller's memory.
        x.setAtIndex(F32, 0, 100f);
        y[1] = 200;
        assertThat(at(m.input(1), 1)).isEqualTo(200f);
        m.execute();
        assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(110f, 202f);
      }
    }

    @Test
    void aPlannedInputIsCopiedIntoTheMethod() {
      try (Program program = Program.load(addProgram(true)); Method m = load(program)) {
        float[] x = {1, 2};
        m.setInput(0, EValue.from(Tensor.wrap(x, 2)));
        m.setInput(1, EValue.from(Tensor.wrap(new float[] {10, 20}, 2)));
        x[0] = 100; // after the copy: not seen
        m.execute();
        assertThat(m.output(0).toTensor().toFloatArray()).containsExactly(11f, 22f);
        assertThat(at(m.input(0), 0)).isEqualTo(1f);
      }
    }
  }

  @Nested
  class OutputInto {
    @Test
    void fillsTheCallersTensor() {
      try (Program program = Program.load(addProgram(true)); Method m = load(program)) {
        float[] result = new float[2];
        Tensor into = Tensor.wrap(result, 2);
        for (float k = 1; k <= 3; k++) {
          m.setInputs(EValue.from(Tensor.fromArray(new float[] {k, 2 * k}, 2)), EValue.from(Tensor.fromArray(new float[] {1, 1}, 2)));
          m.execute();
          assertThat(m.output(0, into)).isSameAs(into);
          assertThat(result).containsExactly(k + 1, 2 * k + 1);
        }
      }
    }

    @Test
    void refusesAWrongShapeOrReadOnlyMemory() {
      try (Program program = Program.load(addProgram(true)); Method m = load(program)) {
        m.setInputs(EValue.from(Tensor.zeros(ScalarType.FLOAT, 2)), EValue.from(Tensor.zeros(ScalarType.FLOAT, 2)));
        m.execute();
        assertThatThrownBy(() -> m.output(0, Tensor.wrap(new float[3], 3)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("output 0 is float32[2], into is float32[3]");
        assertThatThrownBy(() -> m.output(0, Tensor.wrap(ScalarType.FLOAT, MemorySegment.ofArray(new float[2]).asReadOnly(), 2)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("writable");
        assertThatThrownBy(() -> m.output(0, m.output(0).toTensor()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("writable");
      }
    }
  }

  @Nested
  class Options {
    @TempDir Path dir;

    private Path write(byte[] bytes) throws Exception {
      Path p = Files.createTempFile(dir, "add", ".pte");
      Files.write(p, bytes);
      return p;
    }

    private float[] run(Program program) {
      try (Method m = load(program)) {
        m.setInputs(EValue.from(Tensor.fromArray(new float[] {1, 2}, 2)), EValue.from(Tensor.fromArray(new float[] {3, 4}, 2)));
        m.execute();
        return m.output(0).toTensor().toFloatArray();
      }
    }

    @Test
    void badValuesNameTheOptionAndWhatIsAllowed() {
      assertThatThrownBy(() -> LoadOptions.builder().threads(-1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("threads must be 0");
      assertThatThrownBy(() -> LoadOptions.builder().maxPlannedMemory(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxPlannedMemory must be a positive number of bytes");
      assertThatThrownBy(() -> LoadOptions.Verification.parse("strict"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("verification must be one of [full, minimal], got 'strict'");
      assertThatThrownBy(() -> LoadOptions.FileAccess.parse("mmap"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("fileAccess must be one of [map, read], got 'mmap'");
    }

    @Test
    void aMissingDataFileOrMethodIsABadOption() throws Exception {
      Path pte = write(addProgram(true));
      assertThatThrownBy(() -> Program.load(pte, LoadOptions.builder().externalData(dir.resolve("nope.ptd")).build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("externalData: no such file");
      assertThatThrownBy(() -> Program.load(pte, LoadOptions.builder().preload("backward").build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("preload: the program has no method 'backward'; it has [forward]");
    }

    @Test
    void aCapBelowThePlanSaysWhatThePlanNeeds() throws Exception {
      Path pte = write(addProgram(true));
      try (Program program = Program.load(pte, LoadOptions.builder().maxPlannedMemory(23).build())) {
        assertThatThrownBy(() -> load(program))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxPlannedMemory: method 'forward' plans 24 bytes")
            .hasMessageContaining("allowed values are at least 24");
      }
      try (Program program = Program.load(pte, LoadOptions.builder().maxPlannedMemory(24).build())) {
        assertThat(run(program)).containsExactly(4f, 6f);
      }
    }

    @Test
    void theDefaultCapIsFourGibibytesAndItsErrorSaysHowToRaiseIt() {
      assertThat(LoadOptions.defaults().plannedMemoryCap()).isEqualTo(4L << 30);
      TinyProgram p = TinyProgram.add();
      p.bufferSizes = new long[] {0, (4L << 30) + 1};
      try (Program program = Program.load(p.build())) {
        assertThatThrownBy(() -> load(program))
            .isInstanceOf(ExecuTorchException.class)
            .hasMessageContaining("needs more planned memory than the limit of 4294967296 bytes")
            .hasMessageContaining("LoadOptions.builder().maxPlannedMemory(bytes)");
      }
    }

    @Test
    void readMinimalAndMappedLoadsRunTheSame() throws Exception {
      Path pte = write(addProgram(true));
      for (LoadOptions.FileAccess access : LoadOptions.FileAccess.values()) {
        for (LoadOptions.Verification v : LoadOptions.Verification.values()) {
          try (Program program = Program.load(pte, LoadOptions.builder().fileAccess(access).verification(v).build())) {
            assertThat(program.options().fileAccess()).isEqualTo(access);
            assertThat(run(program)).as(access + " " + v).containsExactly(4f, 6f);
          }
        }
      }
    }

    @Test
    void minimalVerificationStillReportsCorruptFilesWithExecuTorchCodes() throws Exception {
      byte[] good = addProgram(true);
      Random random = new Random(13);
      LoadOptions minimal = LoadOptions.builder().verification(LoadOptions.Verification.MINIMAL).build();
      int rejected = 0;
      for (int trial = 0; trial < 300; trial++) {
        byte[] bad = good.clone();
        bad[8 + random.nextInt(bad.length - 8)] = (byte) random.nextInt(256);
        Path pte = write(bad);
        try (Program program = Program.load(pte, minimal)) {
          run(program);
        } catch (ExecuTorchException e) {
          rejected++;
        } catch (IllegalArgumentException e) {
          // also allowed: names and counts the API checks itself
        } finally {
          Files.delete(pte);
        }
      }
      assertThat(rejected).as("mutations rejected with an ExecuTorch error code").isPositive();
    }

    @Test
    void theThreadCountReachesTheKernelsOfThatMethod() throws Exception {
      Path pte = write(addProgram(true));
      try (Program program = Program.load(pte, LoadOptions.builder().threads(1).build())) {
        run(program);
        assertThat(ComputeThreads.requestedOr(7)).isEqualTo(1);
      }
      try (Program program = Program.load(pte)) {
        run(program);
        assertThat(ComputeThreads.requestedOr(7)).isEqualTo(7);
      }
    }
  }
}
