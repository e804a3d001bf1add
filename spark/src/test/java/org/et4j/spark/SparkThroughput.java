package org.et4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rows per second of {@link Et4jScorer#transform} on the LSTM forecaster at {@code local[1]} and
 * {@code local[2]}, beside et4j scoring the same rows in one thread without Spark. Not a test:
 * run by hand (benchmarks/RESULTS.md, "Spark").
 *
 * <p>The rows are cached in Spark's memory first, so a pass times reading them, scoring and
 * handing every scored row to a sink that drops it ({@code noop}). Medians of 5 passes after 2
 * warm-up passes. Arguments: rows (default 100000), batch size (default 128).
 */
public final class SparkThroughput {
  private SparkThroughput() {}

  /**
   * Runs the measurement and prints a table.
   *
   * @param args rows and batch size, optional
   */
  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
    float[][] windows = SparkFixtures.windows(rows, 42);
    List<String> lines = new ArrayList<>();
    lines.add(String.format("%-22s %12s %12s", "setup", "rows/s", "ms/pass"));

    double single = medianSeconds(() -> SparkFixtures.score(
        SparkFixtures.LSTM, windows, SparkFixtures.batches(rows, 1, batch), new long[] {SparkFixtures.SEQ, SparkFixtures.FEATURES}, 0));
    lines.add(String.format("%-22s %12.0f %12.1f", "et4j, 1 thread", rows / single, single * 1e3));

    for (int cores : new int[] {1, 2}) {
      SparkSession spark = SparkFixtures.session(cores);
      try {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Row> list = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
          list.add(RowFactory.create((long) i, windows[i]));
        }
        StructType schema =
            new StructType().add("id", DataTypes.LongType).add("window", DataTypes.createArrayType(DataTypes.FloatType));
        // Two partitions per core, as a cluster job would have at least.
        Dataset<Row> frame = spark.createDataFrame(jsc.parallelize(list, 2 * cores), schema).cache();
        frame.count();
        Et4jScorer scorer = Et4jScorer.builder(spark).program(SparkFixtures.LSTM).inputColumns("window").batchSize(batch).build();
        double seconds = medianSeconds(() -> scorer.transform(frame).write().format("noop").mode("overwrite").save());
        double readOnly = medianSeconds(() -> frame.write().format("noop").mode("overwrite").save());
        lines.add(String.format("%-22s %12.0f %12.1f", "spark local[" + cores + "]", rows / seconds, seconds * 1e3));
        lines.add(String.format("%-22s %12.0f %12.1f", "  (rows only, no model)", rows / readOnly, readOnly * 1e3));
        scorer.destroy();
      } finally {
        spark.stop();
      }
    }
    System.out.println("rows " + rows + ", batch " + batch + ", " + Runtime.getRuntime().availableProcessors() + " processors");
    lines.forEach(System.out::println);
  }

  private static double medianSeconds(Runnable pass) {
    for (int i = 0; i < 2; i++) {
      pass.run();
    }
    double[] s = new double[5];
    for (int i = 0; i < s.length; i++) {
      long t0 = System.nanoTime();
      pass.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
