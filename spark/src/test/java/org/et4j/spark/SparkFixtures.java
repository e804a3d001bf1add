package org.et4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.SparkSession;
import org.et4j.runtime.EValue;
import org.et4j.runtime.LoadOptions;
import org.et4j.runtime.Method;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;

/** The fixtures, the local Spark session and et4j's single-process scoring, for the tests and the benchmark. */
final class SparkFixtures {
  static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");
  /** The commodity forecaster: a 2-layer LSTM over [batch <= 128, 12, 6], XNNPACK-delegated. */
  static final Path LSTM = FIXTURES.resolve("lstm/lstm.xnnpack.bpte");
  /** A static-shape MLP: [8, 20] -> [8, 4]. */
  static final Path MLP = FIXTURES.resolve("mlp/mlp.portable.bpte");
  static final int SEQ = 12;
  static final int FEATURES = 6;

  private SparkFixtures() {}

  static SparkSession session(int cores) {
    return SparkSession.builder()
        .master("local[" + cores + "]")
        .appName("et4j-spark-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", String.valueOf(cores))
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }

  /** {@code count} seeded noisy sinusoid windows of 12 steps x 6 features, flat row-major (as the fixture's test inputs). */
  static float[][] windows(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[count][SEQ * FEATURES];
    for (int r = 0; r < count; r++) {
      double[] phase = new double[FEATURES];
      double[] freq = new double[FEATURES];
      for (int f = 0; f < FEATURES; f++) {
        phase[f] = random.nextDouble() * 6.28;
        freq[f] = 0.2 + random.nextDouble() * 0.5;
      }
      for (int t = 0; t < SEQ; t++) {
        for (int f = 0; f < FEATURES; f++) {
          out[r][t * FEATURES + f] = (float) (Math.sin(t * freq[f] + phase[f]) + 0.05 * (random.nextDouble() * 2 - 1));
        }
      }
    }
    return out;
  }

  /**
   * et4j in this process, without Spark: the rows in the given batches (each a list of row
   * indices into {@code rows}), one execution per batch of one method loaded with one kernel
   * thread (as the scorer does), static batches padded with zero rows to {@code staticBatch}
   * (0: the batch as it is).
   */
  static float[][] score(Path program, float[][] rows, List<int[]> batches, long[] rowShape, int staticBatch) {
    int perRow = Math.toIntExact(java.util.Arrays.stream(rowShape).reduce(1, Math::multiplyExact));
    float[][] result = new float[rows.length][];
    try (Program p = Program.load(program, LoadOptions.builder().threads(1).build());
        Method m = p.loadMethod("forward")) {
      for (int[] batch : batches) {
        int executed = staticBatch > 0 ? staticBatch : batch.length;
        float[] flat = new float[executed * perRow];
        for (int i = 0; i < batch.length; i++) {
          System.arraycopy(rows[batch[i]], 0, flat, i * perRow, perRow);
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = executed;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        m.setInput(0, EValue.from(Tensor.fromArray(flat, shape)));
        m.execute();
        float[] out = m.output(0).toTensor().toFloatArray();
        int outPerRow = out.length / executed;
        for (int i = 0; i < batch.length; i++) {
          result[batch[i]] = java.util.Arrays.copyOfRange(out, i * outPerRow, (i + 1) * outPerRow);
        }
      }
    }
    return result;
  }

  /**
   * The batches the scorer makes of {@code rows} rows spread over {@code partitions} by {@code
   * JavaSparkContext.parallelize} (partition {@code i} holds rows {@code [i*n/k, (i+1)*n/k)}):
   * consecutive runs of {@code batch} rows within each partition.
   */
  static List<int[]> batches(int rows, int partitions, int batch) {
    List<int[]> out = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int start = (int) ((long) p * rows / partitions);
      int end = (int) ((long) (p + 1) * rows / partitions);
      for (int s = start; s < end; s += batch) {
        int[] b = new int[Math.min(batch, end - s)];
        for (int i = 0; i < b.length; i++) {
          b[i] = s + i;
        }
        out.add(b);
      }
    }
    return out;
  }

  /** The partition {@code JavaSparkContext.parallelize} puts row {@code row} of {@code rows} in. */
  static int partitionOf(int row, int rows, int partitions) {
    for (int p = 0; p < partitions; p++) {
      if (row < (int) ((long) (p + 1) * rows / partitions)) {
        return p;
      }
    }
    throw new IllegalArgumentException("row " + row + " of " + rows);
  }
}
