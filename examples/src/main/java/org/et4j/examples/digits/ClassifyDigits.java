package org.et4j.examples.digits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.et4j.runtime.EValue;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.ModelPool;
import org.et4j.runtime.Module;
import org.et4j.runtime.Tensor;

/**
 * Classifies scikit-learn's handwritten digits with a small CNN exported by ExecuTorch, through
 * et4j's public API: once with {@link Module}, once from four threads with a {@link ModelPool}
 * and zero-copy tensors.
 *
 * <pre>
 * java -p target/lib:target/classes -m org.et4j.examples.digits/org.et4j.examples.digits.ClassifyDigits \
 *     digits_cnn.portable.pte digits_test.npy digits_test_labels.npy
 * </pre>
 */
public final class ClassifyDigits {
  private ClassifyDigits() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: ClassifyDigits MODEL.pte IMAGES.npy LABELS.npy");
      System.exit(2);
    }
    Path model = Path.of(args[0]);
    float[][] images = readImages(Path.of(args[1]));
    long[] labels = readLabels(Path.of(args[2]));

    // 1. The simple way: one Module, one call per image.
    int correct = 0;
    LoadOptions options = LoadOptions.builder().preload("forward").build();
    try (Module module = Module.load(model, options)) {
      for (int i = 0; i < images.length; i++) {
        List<EValue> out = module.forward(EValue.from(Tensor.fromArray(images[i], 1, 1, 8, 8)));
        if (argmax(out.get(0).toTensor().toFloatArray()) == labels[i]) {
          correct++;
        }
      }
    }
    System.out.printf("Module: %d of %d digits correct (%.1f%%)%n", correct, images.length, 100.0 * correct / images.length);

    // 2. Serving: four callers share a pool of two methods; inputs wrap the caller's arrays and
    //    outputs land in the caller's own array, so the loop allocates no tensor memory.
    int[] predicted = new int[images.length];
    try (ModelPool pool = ModelPool.load(model, LoadOptions.defaults(), "forward", 2);
        ExecutorService callers = Executors.newFixedThreadPool(4)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        done.add(callers.submit(() -> {
          float[] logits = new float[10];
          Tensor into = Tensor.wrap(logits, 1, 10);
          for (int i = first; i < images.length; i += 4) {
            Tensor input = Tensor.wrap(images[i], 1, 1, 8, 8);
            pool.withMethod(Duration.ofSeconds(30), m -> {
              m.setInput(0, EValue.from(input));
              m.execute();
              return m.output(0, into);
            });
            predicted[i] = argmax(logits);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    int poolCorrect = 0;
    for (int i = 0; i < images.length; i++) {
      poolCorrect += predicted[i] == labels[i] ? 1 : 0;
    }
    System.out.printf("ModelPool: %d of %d digits correct%n", poolCorrect, images.length);
    if (poolCorrect != correct || correct < images.length * 9 / 10) {
      System.err.println("error: the two runs disagree or accuracy is below 90%");
      System.exit(1);
    }
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** A version-1 .npy body and its header, which must name {@code dtype}. */
  private static ByteBuffer npy(Path file, String dtype) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = Short.toUnsignedInt(b.getShort(8));
    String header = new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII);
    if (!header.contains("'descr': '" + dtype + "'") || header.contains("'fortran_order': True")) {
      throw new IOException(file + ": expected a C-order " + dtype + " array, header " + header.trim());
    }
    return b.position(10 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private static float[][] readImages(Path file) throws IOException {
    var floats = npy(file, "<f4").asFloatBuffer();
    float[][] images = new float[floats.remaining() / 64][64];
    for (float[] image : images) {
      floats.get(image);
    }
    return images;
  }

  private static long[] readLabels(Path file) throws IOException {
    var longs = npy(file, "<i8").asLongBuffer();
    long[] labels = new long[longs.remaining()];
    longs.get(labels);
    return labels;
  }
}
