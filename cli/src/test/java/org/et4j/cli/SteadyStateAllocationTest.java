package org.et4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A static-shape model allocates nothing on the heap per inference once the JIT has compiled its
 * kernels: {@code setInputs} + {@code execute} on the calling thread, counted by
 * {@code ThreadMXBean.getCurrentThreadAllocatedBytes}.
 *
 * <p>Cold code does allocate (the interpreter and C1 box Vector API values), and a shared CI
 * machine can be slow to compile, so the test measures windows of executions until one window
 * allocates 0 bytes, for at most {@link #BUDGET_NANOS}; the assertion is on the smallest window,
 * and it is 0 B. A kernel that allocates per call never reaches 0 and fails with its bytes per
 * inference in the message. (In the CLI's tests because this module reads {@code jdk.management}
 * for {@code et4j bench}, and has the kernels and the XNNPACK backend on its path.)
 */
class SteadyStateAllocationTest {
  private static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");
  private static final int WINDOW = 20;
  private static final long BUDGET_NANOS = 30_000_000_000L;
  /** Windows of 0 bytes in a row that count as steady state. */
  private static final int ZERO_WINDOWS = 3;

  @ParameterizedTest
  @ValueSource(strings = {"mlp/mlp.portable.bpte", "mlp/mlp.xnnpack.bpte"})
  void zeroBytesPerInferenceInSteadyState(String fixture) {
    assertZeroBytesPerInference(fixture);
  }

  /**
   * The CNN's convolutions, batch norm and view (each allocated per call until 2026-12-02: 216 B
   * per inference portable, 24 B XNNPACK, from a kernel-scratch slice, the batch norm's resize and
   * check arrays, and {@code et_view}'s sizes array).
   */
  @ParameterizedTest
  @ValueSource(strings = {"digits_cnn/digits_cnn.portable.bpte", "digits_cnn/digits_cnn.xnnpack.bpte"})
  void zeroBytesPerInferenceInSteadyStateForTheCnn(String fixture) {
    assertZeroBytesPerInference(fixture);
  }

  private static void assertZeroBytesPerInference(String fixture) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
    try (Program program = Program.load(FIXTURES.resolve(fixture));
        Method method = program.loadMethod("forward")) {
      EValue[] inputs = randomInputs(method.meta().inputs(), new Random(7));
      long min = Long.MAX_VALUE;
      List<Long> recent = new ArrayList<>();
      int zeroInARow = 0;
      long start = System.nanoTime();
      int windows = 0;
      while (zeroInARow < ZERO_WINDOWS && System.nanoTime() - start < BUDGET_NANOS) {
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < WINDOW; i++) {
          method.setInputs(inputs);
          method.execute();
        }
        long bytes = threads.getCurrentThreadAllocatedBytes() - before;
        windows++;
        min = Math.min(min, bytes);
        zeroInARow = bytes == 0 ? zeroInARow + 1 : 0;
        if (recent.size() == 8) {
          recent.removeFirst();
        }
        recent.add(bytes);
      }
      assertThat(min)
          .as("%s: fewest heap bytes allocated by %d inferences over %d windows in %.1f s (last windows: %s)",
              fixture, WINDOW, windows, (System.nanoTime() - start) / 1e9, recent)
          .isZero();
    }
  }

  private static EValue[] randomInputs(List<ValueInfo> infos, Random r) {
    EValue[] values = new EValue[infos.size()];
    for (int i = 0; i < values.length; i++) {
      TensorInfo t = infos.get(i).tensor();
      assertThat(t).as("input %d is a tensor", i).isNotNull();
      assertThat(t.dtype()).as("input %d dtype", i).isEqualTo(ScalarType.FLOAT);
      long[] shape = t.sizes().stream().mapToLong(Integer::longValue).toArray();
      float[] data = new float[Math.toIntExact(t.nbytes() / 4)];
      for (int k = 0; k < data.length; k++) {
        data[k] = (float) r.nextGaussian();
      }
      values[i] = EValue.from(Tensor.fromArray(data, shape));
    }
    return values;
  }
}
