package org.et4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.spark.SparkFixtures.FEATURES;
import static org.et4j.spark.SparkFixtures.LSTM;
import static org.et4j.spark.SparkFixtures.MLP;
import static org.et4j.spark.SparkFixtures.SEQ;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scorer in Spark's local mode with two cores, on the conformance fixtures. */
class Et4jScorerTest {
  private static final StructType WINDOWS =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("window", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  /** Sorting collected rows here rather than with orderBy spares each test a shuffle stage. */
  private static final java.util.Comparator<Row> BY_ID = java.util.Comparator.comparingLong(r -> r.getLong(r.fieldIndex("id")));

  private static SparkSession spark;
  private static JavaSparkContext jsc;

  @BeforeAll
  static void start() {
    spark = SparkFixtures.session(2);
    jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> windowFrame(float[][] windows, int partitions) {
    List<Row> rows = new ArrayList<>(windows.length);
    for (int i = 0; i < windows.length; i++) {
      rows.add(RowFactory.create((long) i, boxed(windows[i])));
    }
    return spark.createDataFrame(jsc.parallelize(rows, partitions), WINDOWS);
  }

  /** A row's array value as Spark's row encoder takes it: a primitive array. */
  private static Object boxed(float[] values) {
    return values.clone();
  }

  /** A row's array value as a Scala sequence, which can hold nulls. */
  private static scala.collection.Seq<Object> seq(List<?> values) {
    return scala.jdk.javaapi.CollectionConverters.asScala(new ArrayList<Object>(values)).toSeq();
  }

  private static float[] floats(Row row, String column) {
    List<Float> list = row.getList(row.fieldIndex(column));
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    return out;
  }

  @Test
  void scores100kRowsAsEt4jDoesInOneProcess() {
    int n = 100_000;
    int partitions = 4;
    int batch = 128;
    float[][] windows = SparkFixtures.windows(n, 20261202L);
    // Warm the JIT first: et4j's Vector API kernels give other last bits before C2 compiles them
    // (runtime reliability README, "last-bit drift"), and the comparison is bit for bit.
    SparkFixtures.score(LSTM, windows, SparkFixtures.batches(25_600, 1, batch), new long[] {SEQ, FEATURES}, 0);

    Et4jScorer scorer =
        Et4jScorer.builder(spark).program(LSTM).inputColumns("window").outputColumns("forecast").batchSize(batch).build();
    assertThat(scorer.batching()).isEqualTo(Batching.DYNAMIC);
    List<Row> scored =
        scorer.transform(windowFrame(windows, partitions).withColumn("partition", functions.spark_partition_id()))
            .select("id", "partition", "forecast")
            .collectAsList();

    float[][] expected =
        SparkFixtures.score(LSTM, windows, SparkFixtures.batches(n, partitions, batch), new long[] {SEQ, FEATURES}, 0);
    assertThat(scored).hasSize(n);
    int mismatches = 0;
    String first = null;
    for (Row row : scored) {
      int id = (int) row.getLong(0);
      // The batches of the reference are the scorer's only if the rows sat where parallelize puts them.
      assertThat(row.getInt(1)).isEqualTo(SparkFixtures.partitionOf(id, n, partitions));
      float[] got = floats(row, "forecast");
      if (!Arrays.equals(bits(got), bits(expected[id]))) {
        mismatches++;
        if (first == null) {
          first = "row " + id + ": spark " + Arrays.toString(got) + " vs " + Arrays.toString(expected[id]);
        }
      }
    }
    assertThat(mismatches).as("rows whose forecast differs in any bit; first: %s", first).isZero();
    // One program in this JVM (driver and executors share it in local mode), at most one method per core.
    assertThat(ExecutorPrograms.loadedOrNull(planOf(scorer)).methodsLoaded()).isBetween(1, 2);
  }

  private static ScoringPlan planOf(Et4jScorer scorer) {
    try {
      var f = Et4jScorer.class.getDeclaredField("plan");
      f.setAccessible(true);
      return (ScoringPlan) f.get(scorer);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToRawIntBits(values[i]);
    }
    return out;
  }

  @Test
  void matchesExecuTorchOnTheBundledTestCases() {
    try (BundledProgram bundle = BundledProgram.load(LSTM)) {
      Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").build();
      for (BundledProgram.TestCase tc : bundle.testCases("forward")) {
        Tensor input = tc.inputs().get(0).toTensor();
        int rows = (int) input.shapeAt(0);
        float[] flat = input.toFloatArray();
        float[][] windows = new float[rows][];
        for (int r = 0; r < rows; r++) {
          windows[r] = Arrays.copyOfRange(flat, r * SEQ * FEATURES, (r + 1) * SEQ * FEATURES);
        }
        List<Row> scored = scorer.transform(windowFrame(windows, 1)).collectAsList().stream().sorted(BY_ID).toList();
        float[] all = new float[rows * FEATURES];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(floats(scored.get(r), "output"), 0, all, r * FEATURES, FEATURES);
        }
        // ExecuTorch's own outputs for this case, within et4j's conformance tolerance for LSTMs.
        BundledProgram.OutputComparison c =
            BundledProgram.compare(0, EValue.from(Tensor.fromArray(all, rows, FEATURES)), tc.expectedOutputs().get(0), 1e-4, 1e-5);
        assertThat(c.passed()).as("case %d (%d rows): %s", tc.index(), rows, c.detail()).isTrue();
      }
    }
  }

  @Test
  void nestedArraysScoreAsFlatOnes() {
    float[][] windows = SparkFixtures.windows(10, 7);
    List<Row> nested = new ArrayList<>();
    for (int i = 0; i < windows.length; i++) {
      List<Object> steps = new ArrayList<>();
      for (int t = 0; t < SEQ; t++) {
        steps.add(Arrays.copyOfRange(windows[i], t * FEATURES, (t + 1) * FEATURES));
      }
      nested.add(RowFactory.create((long) i, seq(steps)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("window", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)));
    Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").batchSize(10).build();
    List<Row> fromNested = scorer.transform(spark.createDataFrame(jsc.parallelize(nested, 1), schema)).collectAsList().stream().sorted(BY_ID).toList();
    List<Row> fromFlat = scorer.transform(windowFrame(windows, 1)).collectAsList().stream().sorted(BY_ID).toList();
    for (int i = 0; i < windows.length; i++) {
      assertThat(floats(fromNested.get(i), "output")).containsExactly(floats(fromFlat.get(i), "output"));
    }
  }

  @Test
  void aBadRowFailsTheTaskNamingColumnRowAndShape() {
    float[][] windows = SparkFixtures.windows(300, 3);
    Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < windows.length; i++) {
      rows.add(RowFactory.create((long) i, boxed(windows[i])));
    }
    rows.set(200, RowFactory.create(200L, boxed(Arrays.copyOf(windows[200], 71))));
    Dataset<Row> frame = spark.createDataFrame(jsc.parallelize(rows, 2), WINDOWS);
    // Row 200 is row 50 of partition 1 (rows 150..299).
    assertThatThrownBy(() -> scorer.transform(frame).collectAsList())
        .satisfies(e -> {
          ExecuTorchException cause = rootExecuTorch(e);
          assertThat(cause.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(cause.getMessage())
              .contains("column 'window' of row 50 of partition 1")
              .contains("has 71 elements")
              .contains("72 float32 values (shape [12, 6]");
        });

    List<Float> withNull = new ArrayList<>();
    for (float v : windows[5]) {
      withNull.add(v);
    }
    withNull.set(13, null);
    rows.set(200, RowFactory.create(200L, boxed(windows[200])));
    rows.set(5, RowFactory.create(5L, seq(withNull)));
    rows.set(7, RowFactory.create(7L, null));
    Dataset<Row> nulls = spark.createDataFrame(jsc.parallelize(rows, 2), WINDOWS);
    assertThatThrownBy(() -> scorer.transform(nulls).collectAsList())
        .satisfies(e -> assertThat(rootExecuTorch(e).getMessage()).contains("column 'window' of row 5 of partition 0 element [13] is null"));
  }

  @Test
  void anErrorColumnTakesBadRowsAndTheRestAreScored() {
    float[][] windows = SparkFixtures.windows(40, 5);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < windows.length; i++) {
      rows.add(RowFactory.create((long) i, boxed(windows[i])));
    }
    rows.set(3, RowFactory.create(3L, null));
    rows.set(17, RowFactory.create(17L, boxed(new float[73])));
    Et4jScorer scorer =
        Et4jScorer.builder(spark).program(LSTM).inputColumns("window").batchSize(16).errorColumn("problem").build();
    List<Row> scored = scorer.transform(spark.createDataFrame(jsc.parallelize(rows, 1), WINDOWS)).collectAsList().stream().sorted(BY_ID).toList();

    // The good rows are batched without the bad ones: rows 0..15 minus 3, 16..31 minus 17, 32..39.
    List<int[]> batches = new ArrayList<>();
    batches.add(java.util.stream.IntStream.range(0, 16).filter(i -> i != 3).toArray());
    batches.add(java.util.stream.IntStream.range(16, 32).filter(i -> i != 17).toArray());
    batches.add(java.util.stream.IntStream.range(32, 40).toArray());
    float[][] expected = SparkFixtures.score(LSTM, windows, batches, new long[] {SEQ, FEATURES}, 0);
    for (int i = 0; i < windows.length; i++) {
      Row row = scored.get(i);
      if (i == 3 || i == 17) {
        assertThat(row.isNullAt(row.fieldIndex("output"))).isTrue();
        assertThat(row.getString(row.fieldIndex("problem")))
            .contains("column 'window' of row " + i + " of partition 0")
            .contains(i == 3 ? "is null" : "has 73 elements");
      } else {
        assertThat(row.isNullAt(row.fieldIndex("problem"))).isTrue();
        assertThat(bits(floats(row, "output"))).containsExactly(bits(expected[i]));
      }
    }
  }

  @Test
  void aProgramEt4jCannotLoadFailsAtTheDriverBeforeAnyJob() throws Exception {
    byte[] good = Files.readAllBytes(LSTM);
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    int jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertThatThrownBy(() -> Et4jScorer.builder(spark).program(truncated).inputColumns("window").build())
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM));
    Path notThere = Path.of("target/no-such-program.pte");
    assertThatThrownBy(() -> Et4jScorer.builder(spark).sharedProgram(notThere.toString()).inputColumns("window").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-such-program.pte");
    Path garbage = Files.createDirectories(Path.of("target")).resolve("garbage.pte");
    Files.write(garbage, Arrays.copyOfRange(good, 100, 4000));
    assertThatThrownBy(() -> Et4jScorer.builder(spark).sharedProgram(garbage.toString()).inputColumns("window").build())
        .isInstanceOf(ExecuTorchException.class)
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM));
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null)).hasSize(jobsBefore);
  }

  @Test
  void aSharedPathIsReadByTheExecutorsWithTheSameContentKey() {
    // The portable LSTM is used by no other test, so the executors load it from the path here.
    Path portable = LSTM.resolveSibling("lstm.portable.bpte");
    Et4jScorer shared = Et4jScorer.builder(spark).sharedProgram(portable.toString()).inputColumns("window").build();
    assertThat(shared.programSha256())
        .isEqualTo(Et4jScorer.builder(spark).program(portable).inputColumns("window").build().programSha256());
    float[][] windows = SparkFixtures.windows(20, 13);
    List<Row> scored = shared.transform(windowFrame(windows, 1)).collectAsList().stream().sorted(BY_ID).toList();
    float[][] expected =
        SparkFixtures.score(portable, windows, SparkFixtures.batches(20, 1, 128), new long[] {SEQ, FEATURES}, 0);
    for (int i = 0; i < windows.length; i++) {
      float[] got = floats(scored.get(i), "output");
      for (int j = 0; j < FEATURES; j++) {
        // Not bit for bit here: the first executions of a program run before the JIT compiled
        // its kernels, whose last bits differ (the 100,000-row test warms up first).
        assertThat(got[j]).as("row %d", i).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void outputColumnsMustNotShadowInputColumns() {
    Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").outputColumns("id").build();
    assertThatThrownBy(() -> scorer.transform(windowFrame(SparkFixtures.windows(1, 1), 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the column 'id' exists already");
  }

  @Test
  void misuseIsRefusedWithTheReason() {
    assertThatThrownBy(() -> Et4jScorer.builder(spark).program(LSTM).inputColumns("window").batchSize(129).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bounded by 128");
    assertThatThrownBy(() -> Et4jScorer.builder(spark).program(LSTM).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inputColumns");
    Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").build();
    Dataset<Row> strings = spark.sql("SELECT array('a', 'b') AS window");
    assertThatThrownBy(() -> scorer.transform(strings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column 'window' is array<string>")
        .hasMessageContaining("numbers");
    assertThatThrownBy(() -> scorer.transform(spark.sql("SELECT array(1.0) AS w")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'window'");
  }

  @Test
  void aStaticProgramGetsItsOwnBatchPaddedWithZeroRows() {
    int n = 21;
    float[][] inputs = new float[n][20];
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    for (float[] row : inputs) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) random.nextDouble(-1, 1);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(RowFactory.create((long) i, boxed(inputs[i])));
    }
    Et4jScorer scorer = Et4jScorer.builder(spark).program(MLP).inputColumns("x").build();
    assertThat(scorer.batching()).isEqualTo(Batching.STATIC);
    assertThat(scorer.batchSize()).isEqualTo(8);
    StructType schema = new StructType().add("id", DataTypes.LongType).add("x", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> scored = scorer.transform(spark.createDataFrame(jsc.parallelize(rows, 1), schema)).collectAsList().stream().sorted(BY_ID).toList();
    float[][] expected = SparkFixtures.score(MLP, inputs, SparkFixtures.batches(n, 1, 8), new long[] {20}, 8);
    for (int i = 0; i < n; i++) {
      assertThat(bits(floats(scored.get(i), "output"))).as("row %d", i).containsExactly(bits(expected[i]));
    }
    assertThatThrownBy(() -> Et4jScorer.builder(spark).program(MLP).inputColumns("x").batchSize(4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("static batches of 8");
  }

  @Test
  void theUdfScoresArrayColumnsFromSql() {
    float[][] windows = SparkFixtures.windows(50, 9);
    Et4jScorer scorer = Et4jScorer.builder(spark).program(LSTM).inputColumns("window").build();
    scorer.registerUdf("forecast");
    windowFrame(windows, 2).createOrReplaceTempView("windows");
    List<Row> scored = spark.sql("SELECT id, forecast(window) AS f FROM windows").collectAsList().stream().sorted(BY_ID).toList();
    List<int[]> oneByOne = new ArrayList<>();
    for (int i = 0; i < windows.length; i++) {
      oneByOne.add(new int[] {i});
    }
    float[][] expected = SparkFixtures.score(LSTM, windows, oneByOne, new long[] {SEQ, FEATURES}, 0);
    for (int i = 0; i < windows.length; i++) {
      assertThat(bits(floats(scored.get(i), "f"))).as("row %d", i).containsExactly(bits(expected[i]));
    }
    assertThatThrownBy(() -> spark.sql("SELECT forecast(array(1.0, 2.0)) AS f").collectAsList())
        .satisfies(e -> assertThat(rootExecuTorch(e).getMessage())
            .contains("argument 1 of forecast(...) (input 'window')")
            .contains("has 2 elements; expected an array of 72 float32 values"));
  }

  private static ExecuTorchException rootExecuTorch(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ExecuTorchException x) {
        return x;
      }
    }
    throw new AssertionError("no ExecuTorchException in the causes of " + e, e);
  }
}
