package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.et4j.runtime.EValue;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.ModelPool;
import org.et4j.runtime.Module;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Named inputs and outputs, and one model served from many threads, on real exported programs. */
class LibraryServingTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");
  private static final Path DIGITS = FIXTURES.resolve("digits_cnn/digits_cnn.portable.pte");
  private static final Path NAMED = FIXTURES.resolve("named_io/named_io.pte");

  /** The 100 digit images of digits_test.npy (float32 [100, 1, 8, 8]), each as 64 floats. */
  static float[][] digits() throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(FIXTURES.resolve("digits_cnn/digits_test.npy")))
        .order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = Short.toUnsignedInt(b.getShort(8));
    String header = new String(b.array(), 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
    assertThat(header).contains("'descr': '<f4'").contains("(100, 1, 8, 8)");
    b.position(10 + headerLength);
    float[][] images = new float[100][64];
    for (float[] image : images) {
      b.asFloatBuffer().get(image);
      b.position(b.position() + 64 * 4);
    }
    return images;
  }

  @Test
  void namedInputsAndOutputsComeFromThePytreeSpecs() {
    try (Module module = Module.load(NAMED, LoadOptions.builder().preload("forward").build())) {
      MethodMeta meta = module.methodMeta("forward");
      assertThat(meta.inputNames()).containsExactly("image", "bias");
      assertThat(meta.outputNames()).containsExactly("total", "difference");
      Map<String, EValue> out = module.forward(Map.of(
          "bias", Tensor.fromArray(new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
          "image", Tensor.fromArray(new float[] {10, 20, 30, 40, 50, 60}, 2, 3)));
      assertThat(out.keySet()).containsExactly("total", "difference");
      // total = image + 2 * bias, difference = image - bias: a swap anywhere shows.
      assertThat(out.get("total").toTensor().toFloatArray()).containsExactly(12, 24, 36, 48, 60, 72);
      assertThat(out.get("difference").toTensor().toFloatArray()).containsExactly(9, 18, 27, 36, 45, 54);
      assertThatThrownBy(() -> module.forward(Map.of("img", Tensor.zeros(org.et4j.runtime.ScalarType.FLOAT, 2, 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unknown input name 'img' of method 'forward', expected one of [image, bias]");
      assertThatThrownBy(() -> module.forward(Map.of("image", Tensor.zeros(org.et4j.runtime.ScalarType.FLOAT, 2, 3))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("input 'bias' is missing");
    }
  }

  @Test
  void positionalProgramsSaySo() throws Exception {
    try (Module module = Module.load(DIGITS)) {
      MethodMeta meta = module.methodMeta("forward");
      assertThat(meta.inputNames()).isEmpty();
      assertThat(meta.hasNamedInputs()).isFalse();
      assertThatThrownBy(() -> module.forward(Map.of("x", Tensor.wrap(digits()[0], 1, 1, 8, 8))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("method 'forward' has positional inputs only (1)");
    }
  }

  @Test
  void eightThreadsGetTheBitsOfOneThread() throws Exception {
    float[][] images = digits();
    int[][] expected = new int[images.length][];
    try (Program program = Program.load(DIGITS); Method single = program.loadMethod("forward")) {
      for (int i = 0; i < images.length; i++) {
        single.setInput(0, EValue.from(Tensor.wrap(images[i], 1, 1, 8, 8)));
        single.execute();
        expected[i] = bits(single.output(0).toTensor().toFloatArray());
      }
      int threads = 8;
      try (ModelPool pool = ModelPool.of(program, "forward", 3);
          ExecutorService callers = Executors.newFixedThreadPool(threads)) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<int[][]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t * 13;
          boolean intoCallerTensor = t % 2 == 0;
          results.add(callers.submit(() -> {
            start.await();
            int[][] got = new int[images.length][];
            float[] logits = new float[10];
            Tensor into = Tensor.wrap(logits, 1, 10);
            for (int k = 0; k < images.length; k++) {
              int i = (k + offset) % images.length;
              EValue input = EValue.from(Tensor.wrap(images[i], 1, 1, 8, 8));
              if (intoCallerTensor) {
                pool.withMethod(Duration.ofMinutes(1), m -> {
                  m.setInput(0, input);
                  m.execute();
                  return m.output(0, into);
                });
                got[i] = bits(logits);
              } else {
                got[i] = bits(pool.run(Duration.ofMinutes(1), input).get(0).toTensor().toFloatArray());
              }
            }
            return got;
          }));
        }
        start.countDown();
        for (Future<int[][]> f : results) {
          int[][] got = f.get();
          for (int i = 0; i < images.length; i++) {
            assertThat(got[i]).as("image " + i).containsExactly(expected[i]);
          }
        }
        assertThat(pool.busy()).isZero();
      }
    }
  }

  @Test
  void aFullPoolTimesOutAndAClosedOneRefuses() {
    try (Program program = Program.load(DIGITS)) {
      ModelPool pool = ModelPool.of(program, "forward", 1);
      pool.withMethod(Duration.ofSeconds(1), held -> {
        assertThatThrownBy(() -> pool.run(Duration.ofMillis(50), EValue.from(Tensor.zeros(org.et4j.runtime.ScalarType.FLOAT, 1, 1, 8, 8))))
            .isInstanceOf(ModelPool.PoolTimeoutException.class)
            .hasMessageContaining("all 1 methods 'forward' stayed busy");
        return null;
      });
      pool.close();
      pool.close();
      assertThatThrownBy(() -> pool.run(Duration.ofMillis(50)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> ModelPool.of(program, "forward", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("size must be at least 1");
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
