package org.et4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.et4j.cli.Main;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Module;
import org.et4j.runtime.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The digits CNN through DJL's {@code Criteria} + {@code Translator} + {@code Predictor} on the
 * et4j engine gives the predictions {@code et4j run} prints for the same file and inputs (and every
 * one of the 100 predictions equals et4j's own API's).
 */
class DigitsClassificationTest {
  private static final Pattern PREDICTIONS = Pattern.compile("predictions: ([0-9 ]+)");
  private static final Pattern ACCURACY = Pattern.compile("accuracy: (\\d+)/(\\d+)");

  static float[][] images;
  static long[] labels;

  @BeforeAll
  static void readInputs() throws Exception {
    images = Digits.images();
    labels = Digits.labels();
    assertThat(images).hasNumberOfRows(100);
    assertThat(labels).hasSize(100);
  }

  /**
   * What {@code ./et4j run FILE --input digits_test.npy --labels digits_test_labels.npy} prints.
   */
  private static String cliRun(Path pte) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            new String[] {
              "run",
              pte.toString(),
              "--input",
              Digits.IMAGES.toString(),
              "--labels",
              Digits.LABELS.toString()
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as("et4j run: %s", err).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The class of each image by et4j's own API, one forward per image. */
  private static int[] directPredictions(Module module) {
    int[] predictions = new int[images.length];
    for (int i = 0; i < images.length; i++) {
      List<EValue> out = module.forward(EValue.from(Tensor.fromArray(images[i], 1, 1, 8, 8)));
      float[] logits = out.getFirst().toTensor().toFloatArray();
      int best = 0;
      for (int c = 1; c < logits.length; c++) {
        if (logits[c] > logits[best]) {
          best = c;
        }
      }
      predictions[i] = best;
    }
    return predictions;
  }

  private static ZooModel<float[], Classifications> load(
      Criteria.Builder<float[], Classifications> builder) throws Exception {
    return builder.optEngine("et4j").optTranslator(new DigitsTranslator()).build().loadModel();
  }

  private static Criteria.Builder<float[], Classifications> criteria(Path modelPath) {
    return Criteria.builder()
        .setTypes(float[].class, Classifications.class)
        .optModelPath(modelPath);
  }

  /** batchPredict in batches of 25 (stacked into one [25, 1, 8, 8] input by DJL's batchifier). */
  private static int[] djlPredictions(ZooModel<float[], Classifications> model) throws Exception {
    int[] predictions = new int[images.length];
    try (Predictor<float[], Classifications> predictor = model.newPredictor()) {
      for (int start = 0; start < images.length; start += 25) {
        List<float[]> batch = Arrays.asList(images).subList(start, start + 25);
        List<Classifications> results = predictor.batchPredict(batch);
        for (int i = 0; i < results.size(); i++) {
          predictions[start + i] = Integer.parseInt(results.get(i).best().getClassName());
        }
      }
    }
    return predictions;
  }

  @Test
  void criteriaPredictorAndTranslatorGiveTheCliPredictions() throws Exception {
    String printed = cliRun(Digits.PORTABLE_PTE);
    Matcher shown = PREDICTIONS.matcher(printed);
    Matcher accuracy = ACCURACY.matcher(printed);
    assertThat(shown.find()).as(printed).isTrue();
    assertThat(accuracy.find()).as(printed).isTrue();
    int[] cliFirst =
        Arrays.stream(shown.group(1).trim().split(" ")).mapToInt(Integer::parseInt).toArray();

    int[] djl;
    try (ZooModel<float[], Classifications> model = load(criteria(Digits.PORTABLE_PTE))) {
      assertThat(model.getNDManager().getEngine().getEngineName()).isEqualTo("et4j");
      djl = djlPredictions(model);
    }
    int[] direct;
    try (Module module = Module.load(Digits.PORTABLE_PTE)) {
      direct = directPredictions(module);
    }

    assertThat(cliFirst).hasSize(20);
    assertThat(Arrays.copyOf(djl, 20)).isEqualTo(cliFirst);
    assertThat(djl).isEqualTo(direct);
    long correct = 0;
    for (int i = 0; i < djl.length; i++) {
      correct += djl[i] == labels[i] ? 1 : 0;
    }
    assertThat(correct + "/" + djl.length).isEqualTo(accuracy.group(1) + "/" + accuracy.group(2));
  }

  @Test
  void onePredictionAtATimeAndProbabilitiesSumToOne() throws Exception {
    try (ZooModel<float[], Classifications> model = load(criteria(Digits.PORTABLE_PTE));
        Predictor<float[], Classifications> predictor = model.newPredictor();
        Module module = Module.load(Digits.PORTABLE_PTE)) {
      int[] direct = directPredictions(module);
      for (int i = 0; i < 10; i++) {
        Classifications c = predictor.predict(images[i]);
        assertThat(Integer.parseInt(c.best().getClassName())).isEqualTo(direct[i]);
        double sum =
            c.items().stream().mapToDouble(Classifications.Classification::getProbability).sum();
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void aDirectoryWithAPrefixFindsTheProgram() throws Exception {
    try (ZooModel<float[], Classifications> model =
        load(criteria(Digits.DIR).optModelName("digits_cnn.portable"))) {
      assertThat(model.getBlock().describeInput().get(0).getValue().dimension()).isEqualTo(4);
      try (Predictor<float[], Classifications> predictor = model.newPredictor()) {
        assertThat(predictor.predict(images[0]).best().getClassName())
            .isEqualTo(Long.toString(labels[0]));
      }
    }
  }

  @Test
  void externalWeightsComeFromThePtdOption() throws Exception {
    Path bpte = Digits.DIR.resolve("digits_cnn.ptd.bpte");
    Path ptd = Digits.DIR.resolve("digits_cnn.ptd.ptd");
    int[] direct;
    try (Module module = Module.load(bpte, ptd)) {
      direct = directPredictions(module);
    }
    try (ZooModel<float[], Classifications> model =
        load(criteria(bpte).optOption("ptd", ptd.getFileName().toString()))) {
      assertThat(djlPredictions(model)).isEqualTo(direct);
    }
  }

  @Test
  void aProgramWithoutItsPtdIsAMalformedModel() {
    Path bpte = Digits.DIR.resolve("digits_cnn.ptd.bpte");
    assertThatThrownBy(() -> load(criteria(bpte)))
        .isInstanceOf(MalformedModelException.class)
        .hasCauseInstanceOf(org.et4j.runtime.ExecuTorchException.class);
  }

  @Test
  void predictorsOnSeveralThreadsShareOneModel() throws Exception {
    int[] expected;
    try (Module module = Module.load(Digits.PORTABLE_PTE)) {
      expected = directPredictions(module);
    }
    try (ZooModel<float[], Classifications> model = load(criteria(Digits.PORTABLE_PTE))) {
      List<Thread> threads = new ArrayList<>();
      int[][] got = new int[4][];
      Throwable[] failure = new Throwable[1];
      for (int t = 0; t < 4; t++) {
        int slot = t;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        got[slot] = djlPredictions(model);
                      } catch (Throwable e) {
                        failure[0] = e;
                      }
                    }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(failure[0]).isNull();
      for (int[] g : got) {
        assertThat(g).isEqualTo(expected);
      }
    }
  }
}
