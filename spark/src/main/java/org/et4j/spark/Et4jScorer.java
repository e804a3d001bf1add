package org.et4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;
import org.et4j.runtime.kernel.Value;

/**
 * Scores Spark {@link Dataset}s with an ExecuTorch program on et4j: each tensor input of a
 * method is fed from a column, rows are batched per partition, and each output becomes a column
 * appended to the rows.
 *
 * <pre>{@code
 * Et4jScorer scorer = Et4jScorer.builder(spark)
 *     .program(Path.of("forecaster.pte"))      // read here, broadcast to executors once
 *     .inputColumns("window")                   // array<float> of 72, or array<array<float>> 12 x 6
 *     .outputColumns("forecast")
 *     .batchSize(128)
 *     .build();                                 // loads the program here: a bad one fails now
 * Dataset<Row> scored = scorer.transform(windows);
 * scorer.registerUdf("forecast");               // SELECT forecast(window) FROM windows
 * }</pre>
 *
 * <p><b>Columns.</b> A row's value for a tensor input with per-row shape {@code [12, 6]} is an
 * array of its 72 elements in row-major order, or nested arrays of exactly that shape; an input
 * with no dimensions per row takes a plain numeric column. Floating inputs take any numeric
 * column (a double column feeding a float32 input is rounded to nearest); integer inputs take
 * integer columns. Each output column is an array of one row's elements, row-major and flat,
 * with the per-row shape in the column's metadata under {@code et4j.shape}.
 *
 * <p><b>Batching.</b> The first dimension of every tensor input and output is the batch. A
 * program exported with a dynamic batch ({@link Batching#DYNAMIC}) takes each batch whole, up to
 * the batch size (the last batch of a partition is smaller); a static one ({@link
 * Batching#STATIC}) is fed exactly its own batch of {@code B} rows per execution, the last batch
 * padded with zero rows whose outputs are dropped, so a static program of batch 1 is fed row by
 * row. {@link Batching#NONE} is for programs without a batch dimension: one row per execution.
 *
 * <p><b>Bad rows.</b> A row whose input is null, has a null element, the wrong number of
 * elements or elements of the wrong kind fails its task with an {@link
 * org.et4j.runtime.ExecuTorchException} (InvalidArgument) naming the column, the row's position
 * in its partition and the expected shape; with an {@linkplain Builder#errorColumn error column}
 * such a row gets null outputs and the message in that column instead, and the other rows of
 * its batch are scored.
 *
 * <p><b>Executors.</b> The program's bytes go to each executor once (a broadcast), or executors
 * read a path they all see ({@link Builder#sharedProgram}). Each executor JVM loads one {@code
 * Program} per content (keyed by SHA-256) and keeps it; each running task borrows one {@code
 * Method} of it for its partition. {@link Builder#build()} loads the program and the method at
 * the driver first, so a program et4j cannot load fails at once with et4j's error, before any
 * job runs.
 */
public final class Et4jScorer {
  private static final int DEFAULT_MAX_BATCH = 256;

  private final SparkSession spark;
  private final ScoringPlan plan;

  private Et4jScorer(SparkSession spark, ScoringPlan plan) {
    this.spark = spark;
    this.plan = plan;
  }

  /**
   * Starts a scorer for {@code spark}.
   *
   * @param spark the session whose datasets are scored
   * @return a builder; give it a program and the input columns
   */
  public static Builder builder(SparkSession spark) {
    return new Builder(Objects.requireNonNull(spark, "spark"));
  }

  /**
   * How rows become executions.
   *
   * @return the batching chosen from the program (or given to the builder)
   */
  public Batching batching() {
    return plan.batching();
  }

  /**
   * Rows per execution: the batch size ({@link Batching#DYNAMIC}), the program's own batch
   * ({@link Batching#STATIC}), or 1 ({@link Batching#NONE}).
   *
   * @return rows per execution
   */
  public int batchSize() {
    return plan.batchRows();
  }

  /**
   * The SHA-256 of the program and its external data, which names it in each executor's cache.
   *
   * @return lower-case hex
   */
  public String programSha256() {
    return plan.source().sha256();
  }

  /**
   * The schema {@link #transform} returns: {@code input}'s columns, then one column per output,
   * then the error column if there is one.
   *
   * @param input the schema of the rows to score
   * @return the scored rows' schema
   * @throws IllegalArgumentException when an input column is missing or has a type its tensor
   *     cannot take, or an output column's name is taken
   */
  public StructType outputSchema(StructType input) {
    inputPositions(input);
    StructType schema = input;
    List<String> names = new ArrayList<>(Arrays.asList(input.fieldNames()));
    for (TensorColumn out : plan.outputs()) {
      schema = schema.add(outputField(out));
      requireFree(names, out.column());
    }
    if (plan.errorColumn() != null) {
      requireFree(names, plan.errorColumn());
      schema = schema.add(plan.errorColumn(), DataTypes.StringType, true);
    }
    return schema;
  }

  /**
   * Scores every row of {@code rows} (lazily, as a Spark transformation).
   *
   * @param rows the rows, with the input columns
   * @return the rows in their order within each partition, with the output columns (and the
   *     error column) appended
   * @throws IllegalArgumentException as {@link #outputSchema}
   */
  public Dataset<Row> transform(Dataset<Row> rows) {
    StructType schema = outputSchema(rows.schema());
    return rows.mapPartitions(new PartitionScorer(plan, inputPositions(rows.schema())), Encoders.row(schema));
  }

  /**
   * Registers the program as the SQL function {@code name}, taking one array argument per tensor
   * input (at most 3) and returning output 0. Spark calls a UDF once per row, so each row is one
   * execution ({@link #transform} batches and is faster). A bad argument fails the task as a bad
   * row does; the error column does not apply.
   *
   * @param name the function's name in SQL
   */
  public void registerUdf(String name) {
    registerUdf(name, 0);
  }

  /**
   * Registers the program as the SQL function {@code name} returning output {@code output}; as
   * {@link #registerUdf(String)}.
   *
   * @param name the function's name in SQL
   * @param output which of the scorer's output columns the function returns, from 0
   * @throws IllegalArgumentException when {@code output} is out of range or the method has more
   *     than 3 tensor inputs
   */
  public void registerUdf(String name, int output) {
    Objects.requireNonNull(name, "name");
    if (output < 0 || output >= plan.outputs().size()) {
      throw new IllegalArgumentException(
          "output " + output + " out of range: the scorer has outputs " + plan.outputs().stream().map(TensorColumn::column).toList());
    }
    // One row per call: a dynamic program gets batches of 1, a static one its own padded batch.
    int rows = plan.batching() == Batching.DYNAMIC ? 1 : plan.batchRows();
    ScoringPlan perRow =
        new ScoringPlan(
            plan.source(), plan.method(), plan.kernelThreads(), plan.batching(), rows, plan.inputs(), plan.outputs(), null);
    ScoringUdf udf = new ScoringUdf(name, perRow, output);
    DataType type = outputField(plan.outputs().get(output)).dataType();
    switch (plan.inputs().size()) {
      case 1 -> spark.udf().register(name, (org.apache.spark.sql.api.java.UDF1<?, ?>) udf, type);
      case 2 -> spark.udf().register(name, (org.apache.spark.sql.api.java.UDF2<?, ?, ?>) udf, type);
      case 3 -> spark.udf().register(name, (org.apache.spark.sql.api.java.UDF3<?, ?, ?, ?>) udf, type);
      default -> throw new IllegalArgumentException(
          "a UDF takes at most 3 tensor inputs; method '" + plan.method() + "' has " + plan.inputs().size()
              + ": score it with transform");
    }
  }

  /** Removes the program's broadcast copies from the executors; the scorer cannot run after it. */
  public void destroy() {
    plan.source().destroy();
  }

  /** The row position of each input column; checks the columns' types. */
  private int[] inputPositions(StructType schema) {
    int[] positions = new int[plan.inputs().size()];
    List<String> names = Arrays.asList(schema.fieldNames());
    for (int k = 0; k < positions.length; k++) {
      TensorColumn in = plan.inputs().get(k);
      int p = names.indexOf(in.column());
      if (p < 0) {
        throw new IllegalArgumentException(
            "no column '" + in.column() + "' for input " + in.index() + " of method '" + plan.method() + "'; the rows have " + names);
      }
      checkInputType(in, schema.fields()[p].dataType());
      positions[k] = p;
    }
    return positions;
  }

  private static void checkInputType(TensorColumn in, DataType type) {
    int depth = 0;
    DataType element = type;
    while (element instanceof ArrayType a) {
      element = a.elementType();
      depth++;
    }
    int rank = in.rowShape().length;
    boolean depthOk = rank == 0 ? depth <= 1 : depth == 1 || depth == rank;
    if (!depthOk || !ElementCodec.accepts(in.dtype(), element)) {
      throw new IllegalArgumentException(
          "column '" + in.column() + "' is " + type.simpleString() + " but input " + in.index() + " ("
              + in.describe() + " per row) takes " + (rank == 0 ? "a column or an array of one element" : rank == 1
                  ? "an array" : "a flat array or " + rank + " nested arrays")
              + " of " + ElementCodec.acceptedTypes(in.dtype()));
    }
  }

  private static void requireFree(List<String> names, String column) {
    if (names.contains(column)) {
      throw new IllegalArgumentException(
          "the column '" + column + "' exists already: name the scorer's output columns differently (outputColumns, errorColumn)");
    }
    names.add(column);
  }

  private static StructField outputField(TensorColumn out) {
    DataType element = ElementCodec.sparkType(out.dtype());
    DataType type = out.rowShape().length == 0 ? element : DataTypes.createArrayType(element, false);
    Metadata shape = new MetadataBuilder().putLongArray("et4j.shape", out.rowShape()).build();
    return new StructField(out.column(), type, true, shape);
  }

  /** Configures a scorer; {@link #build()} checks everything against the program. */
  public static final class Builder {
    private final SparkSession spark;
    private List<byte[]> bytes;
    private List<String> sharedPaths;
    private String method = "forward";
    private List<String> inputColumns;
    private List<String> outputColumns;
    private Integer batchSize;
    private Batching batching;
    private String errorColumn;
    private int kernelThreads = 1;

    private Builder(SparkSession spark) {
      this.spark = spark;
    }

    /**
     * The program file (and its external data files), read at the driver and broadcast to the
     * executors once.
     *
     * @param pte the {@code .pte} (or {@code .bpte}) file
     * @param ptd its {@code .ptd} files
     * @return this builder
     * @throws UncheckedIOException when a file cannot be read
     */
    public Builder program(Path pte, Path... ptd) {
      List<byte[]> files = new ArrayList<>();
      try {
        files.add(Files.readAllBytes(Objects.requireNonNull(pte, "pte")));
        for (Path p : ptd) {
          files.add(Files.readAllBytes(Objects.requireNonNull(p, "ptd")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the program: " + e.getMessage(), e);
      }
      this.bytes = files;
      this.sharedPaths = null;
      return this;
    }

    /**
     * The program's bytes (and its external data's), broadcast to the executors once.
     *
     * @param pte the program
     * @param ptd its external data
     * @return this builder
     */
    public Builder program(byte[] pte, byte[]... ptd) {
      List<byte[]> files = new ArrayList<>();
      files.add(Objects.requireNonNull(pte, "pte").clone());
      for (byte[] p : ptd) {
        files.add(Objects.requireNonNull(p, "ptd").clone());
      }
      this.bytes = files;
      this.sharedPaths = null;
      return this;
    }

    /**
     * A program every executor reads from the same path (a shared file system, or the same file
     * on every node): nothing is broadcast. Each executor checks that its file has the driver's
     * SHA-256.
     *
     * @param pte the program's path, as the driver and every executor see it
     * @param ptd its external data files' paths
     * @return this builder
     */
    public Builder sharedProgram(String pte, String... ptd) {
      List<String> paths = new ArrayList<>();
      paths.add(Objects.requireNonNull(pte, "pte"));
      for (String p : ptd) {
        paths.add(Objects.requireNonNull(p, "ptd"));
      }
      this.sharedPaths = paths;
      this.bytes = null;
      return this;
    }

    /**
     * The method that scores (default {@code forward}).
     *
     * @param name a method of the program
     * @return this builder
     */
    public Builder method(String name) {
      this.method = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The column feeding each tensor input of the method, in input order (default: the
     * program's input names, when it has them).
     *
     * @param columns one column per tensor input
     * @return this builder
     */
    public Builder inputColumns(String... columns) {
      this.inputColumns = List.of(columns);
      return this;
    }

    /**
     * The column each output of the method is written to, in output order (default: the
     * program's output names, else {@code output} for one output and {@code output_0},
     * {@code output_1}, ... for several).
     *
     * @param columns one column per output
     * @return this builder
     */
    public Builder outputColumns(String... columns) {
      this.outputColumns = List.of(columns);
      return this;
    }

    /**
     * Rows per execution for a dynamic-batch program, 1 up to the program's bound (default: the
     * bound, at most 256). A static program's batch is its own; asking another is an error.
     *
     * @param rows rows per execution
     * @return this builder
     */
    public Builder batchSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, got " + rows);
      }
      this.batchSize = rows;
      return this;
    }

    /**
     * How rows become executions (default: {@link Batching#DYNAMIC} when the inputs are
     * dynamic-bound, else {@link Batching#STATIC}).
     *
     * @param batching the batching
     * @return this builder
     */
    public Builder batching(Batching batching) {
      this.batching = Objects.requireNonNull(batching, "batching");
      return this;
    }

    /**
     * A string column for bad rows' problems: a bad row gets null outputs and the message there
     * (null for good rows) instead of failing its task.
     *
     * @param column the error column's name
     * @return this builder
     */
    public Builder errorColumn(String column) {
      this.errorColumn = Objects.requireNonNull(column, "column");
      return this;
    }

    /**
     * Threads each kernel call of a task may use (default 1: Spark runs one task per core, so
     * the tasks are the parallelism).
     *
     * @param threads 1 or more
     * @return this builder
     */
    public Builder kernelThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("kernelThreads must be at least 1, got " + threads);
      }
      this.kernelThreads = threads;
      return this;
    }

    /**
     * Loads the program and the method here, at the driver, checks the columns against the
     * method's inputs and outputs, and ships the program to the executors.
     *
     * @return the scorer
     * @throws org.et4j.runtime.ExecuTorchException when et4j cannot load the program or the
     *     method (with et4j's error code and message)
     * @throws IllegalArgumentException when no program was given, the method is unknown, the
     *     columns do not match its inputs and outputs, or the batching or batch size cannot be
     *     used with it
     */
    public Et4jScorer build() {
      if (bytes == null && sharedPaths == null) {
        throw new IllegalArgumentException("no program: call program(...) or sharedProgram(...)");
      }
      ProgramSource source = bytes != null ? ProgramSource.ofBytes(bytes) : ProgramSource.ofSharedPaths(sharedPaths);
      ScoringPlan probe = new ScoringPlan(source, method, kernelThreads, Batching.NONE, 1, List.of(), List.of(), null);
      ExecutorPrograms.Loaded loaded = ExecutorPrograms.program(probe);
      // Loading the method binds every kernel and delegate: a missing operator fails here.
      org.et4j.runtime.Method m = loaded.borrow(method);
      loaded.release(m);
      MethodMeta meta = m.meta();
      List<Integer> tensorInputs = new ArrayList<>();
      for (int i = 0; i < meta.inputs().size(); i++) {
        ValueInfo v = meta.inputs().get(i);
        if (v.tag() == Value.Tag.TENSOR) {
          tensorInputs.add(i);
        } else if (v.constant() == null) {
          throw new IllegalArgumentException(
              "input " + i + " of method '" + method + "' is " + v.description() + ": et4j-spark feeds tensors and exported constants only");
        }
      }
      if (tensorInputs.isEmpty()) {
        throw new IllegalArgumentException("method '" + method + "' has no tensor inputs to feed from columns");
      }
      List<String> ins = inputColumns;
      if (ins == null) {
        if (!meta.hasNamedInputs()) {
          throw new IllegalArgumentException(
              "method '" + method + "' has positional inputs: name the column of each of its " + tensorInputs.size()
                  + " tensor inputs with inputColumns(...)");
        }
        ins = tensorInputs.stream().map(i -> meta.inputNames().get(i)).toList();
      }
      if (ins.size() != tensorInputs.size()) {
        throw new IllegalArgumentException(
            "method '" + method + "' has " + tensorInputs.size() + " tensor inputs, " + describe(meta.inputs())
                + ", but " + ins.size() + " input columns were given: " + ins);
      }
      List<String> outs = outputColumns;
      int outputCount = meta.outputs().size();
      if (outs == null) {
        outs = meta.hasNamedOutputs()
            ? meta.outputNames()
            : outputCount == 1 ? List.of("output") : java.util.stream.IntStream.range(0, outputCount).mapToObj(i -> "output_" + i).toList();
      }
      if (outs.size() != outputCount) {
        throw new IllegalArgumentException(
            "method '" + method + "' has " + outputCount + " outputs, " + describe(meta.outputs()) + ", but " + outs.size()
                + " output columns were given: " + outs);
      }
      Batching mode = batching != null ? batching : defaultBatching(meta, tensorInputs);
      int rows = rowsPerExecution(mode, meta, tensorInputs);
      List<TensorColumn> inputs = new ArrayList<>();
      for (int k = 0; k < tensorInputs.size(); k++) {
        inputs.add(column(ins.get(k), tensorInputs.get(k), meta.inputs().get(tensorInputs.get(k)), mode, rows, "input"));
      }
      List<TensorColumn> outputs = new ArrayList<>();
      for (int o = 0; o < outputCount; o++) {
        ValueInfo v = meta.outputs().get(o);
        if (v.tag() != Value.Tag.TENSOR) {
          throw new IllegalArgumentException(
              "output " + o + " of method '" + method + "' is " + v.description() + ", not a tensor: et4j-spark writes tensor outputs only");
        }
        outputs.add(column(outs.get(o), o, v, mode, rows, "output"));
      }
      ProgramSource shipped =
          source.broadcastWith(b -> JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(b));
      return new Et4jScorer(spark, new ScoringPlan(shipped, method, kernelThreads, mode, rows, inputs, outputs, errorColumn));
    }

    private static Batching defaultBatching(MethodMeta meta, List<Integer> tensorInputs) {
      boolean allDynamic = true;
      for (int i : tensorInputs) {
        allDynamic &= meta.inputs().get(i).tensor().dynamism() != ShapeDynamism.STATIC;
      }
      return allDynamic ? Batching.DYNAMIC : Batching.STATIC;
    }

    private int rowsPerExecution(Batching mode, MethodMeta meta, List<Integer> tensorInputs) {
      if (mode == Batching.NONE) {
        if (batchSize != null && batchSize != 1) {
          throw new IllegalArgumentException("Batching.NONE runs one row per execution; batchSize " + batchSize + " cannot apply");
        }
        return 1;
      }
      int bound = -1;
      for (int i : tensorInputs) {
        TensorInfo t = meta.inputs().get(i).tensor();
        if (t.sizes().isEmpty()) {
          throw new IllegalArgumentException(
              "input " + i + " of method '" + method + "' is " + t.describe() + ", with no batch dimension: use Batching.NONE");
        }
        if (mode == Batching.DYNAMIC && t.dynamism() == ShapeDynamism.STATIC) {
          throw new IllegalArgumentException(
              "input " + i + " of method '" + method + "' is static " + t.describe() + ": it cannot take whole batches"
                  + " (Batching.DYNAMIC); use Batching.STATIC (batches of " + t.sizes().get(0) + ", padded)");
        }
        int b = t.sizes().get(0);
        if (bound >= 0 && b != bound) {
          throw new IllegalArgumentException(
              "the inputs of method '" + method + "' differ in their first dimension (" + bound + " and " + b
                  + "), so it is not a batch: use Batching.NONE");
        }
        bound = b;
      }
      if (mode == Batching.STATIC) {
        if (batchSize != null && batchSize != bound) {
          throw new IllegalArgumentException(
              "method '" + method + "' takes static batches of " + bound + " rows; batchSize " + batchSize + " cannot apply"
                  + " (export the program with a dynamic batch dimension to choose the batch size)");
        }
        return bound;
      }
      if (batchSize != null && batchSize > bound) {
        throw new IllegalArgumentException(
            "batchSize " + batchSize + " is more than method '" + method + "' takes: its batch dimension is bounded by " + bound);
      }
      return batchSize != null ? batchSize : Math.min(bound, DEFAULT_MAX_BATCH);
    }

    private TensorColumn column(String name, int index, ValueInfo v, Batching mode, int rows, String what) {
      TensorInfo t = v.tensor();
      if (!ElementCodec.supported(t.dtype())) {
        throw new IllegalArgumentException(what + " " + index + " of method '" + method + "' (" + t.describe() + "): "
            + ElementCodec.unsupported(t.dtype()).getMessage());
      }
      List<Integer> sizes = t.sizes();
      if (mode != Batching.NONE && what.equals("output")
          && (sizes.isEmpty() || t.dynamism() == ShapeDynamism.STATIC && sizes.get(0) != rows)) {
        throw new IllegalArgumentException(
            "output " + index + " of method '" + method + "' is " + t.describe() + ": its first dimension is not the batch of "
                + rows + " rows (use Batching.NONE for a program without a batch dimension)");
      }
      List<Integer> row = mode == Batching.NONE ? sizes : sizes.subList(1, sizes.size());
      return new TensorColumn(name, index, t.dtype(), row.stream().mapToLong(Integer::longValue).toArray());
    }

    private static String describe(List<ValueInfo> values) {
      return values.stream().map(ValueInfo::description).toList().toString();
    }
  }
}
