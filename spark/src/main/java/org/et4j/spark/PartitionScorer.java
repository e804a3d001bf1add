package org.et4j.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;

/**
 * Scores one partition: reads its rows in batches of {@link ScoringPlan#batchRows()}, checks
 * and writes each row's input columns into the batch, executes the method once per batch and
 * returns every row with the output columns (and the error column) appended, in input order.
 * Lazy: one batch of rows is held at a time.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ScoringPlan plan;
  private final int[] inputColumns;

  /**
   * @param plan what to run
   * @param inputColumns the position in the rows of each of the plan's input columns
   */
  PartitionScorer(ScoringPlan plan, int[] inputColumns) {
    this.plan = plan;
    this.inputColumns = inputColumns.clone();
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext context = TaskContext.get();
    int partition = context == null ? -1 : context.partitionId();
    ExecutorPrograms.Loaded loaded = ExecutorPrograms.program(plan);
    Method method = loaded.borrow(plan.method());
    ScoredRows scored;
    try {
      scored = new ScoredRows(rows, new BatchRunner(plan, method), partition, loaded, method);
    } catch (RuntimeException e) {
      loaded.release(method);
      throw e;
    }
    if (context != null) {
      // The task may stop early (a limit, a failure): the method goes back to the pool then too.
      context.addTaskCompletionListener((TaskCompletionListener) c -> scored.finish());
    }
    return scored;
  }

  /** The partition's rows, scored one batch at a time as they are read. */
  private final class ScoredRows implements Iterator<Row> {
    private final Iterator<Row> in;
    private final BatchRunner runner;
    private final int partition;
    private final ExecutorPrograms.Loaded loaded;
    private final Method method;
    private final List<Row> batch = new ArrayList<>();
    private final Row[] out;
    private final String[] problems;
    private int outCount;
    private int outNext;
    private long rowsRead;
    private boolean finished;

    ScoredRows(Iterator<Row> in, BatchRunner runner, int partition, ExecutorPrograms.Loaded loaded, Method method) {
      this.in = in;
      this.loaded = loaded;
      this.method = method;
      this.runner = runner;
      this.partition = partition;
      this.out = new Row[plan.batchRows()];
      this.problems = new String[plan.batchRows()];
    }

    @Override
    public boolean hasNext() {
      while (outNext == outCount) {
        if (finished) {
          return false;
        }
        if (!in.hasNext()) {
          finish();
          return false;
        }
        scoreNextBatch();
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more rows in partition " + partition);
      }
      Row r = out[outNext];
      out[outNext++] = null;
      return r;
    }

    /** Gives the method back to the pool, once: at the end of the rows or of the task. */
    synchronized void finish() {
      if (!finished) {
        finished = true;
        loaded.release(method);
      }
    }

    private void scoreNextBatch() {
      batch.clear();
      long first = rowsRead;
      while (batch.size() < plan.batchRows() && in.hasNext()) {
        batch.add(in.next());
      }
      rowsRead += batch.size();
      int good = 0;
      int[] slotOf = new int[batch.size()];
      for (int r = 0; r < batch.size(); r++) {
        Row row = batch.get(r);
        String problem = null;
        for (int k = 0; k < inputColumns.length && problem == null; k++) {
          TensorColumn in = plan.inputs().get(k);
          Object value = row.isNullAt(inputColumns[k]) ? null : row.get(inputColumns[k]);
          String p = RowValues.write(in, value, runner.buffer(k), runner.slotBase(k, good));
          if (p != null) {
            problem = "column '" + in.column() + "' of row " + (first + r) + " of partition " + partition + " " + p;
          }
        }
        if (problem != null && plan.errorColumn() == null) {
          throw new ExecuTorchException(
              ErrorCode.INVALID_ARGUMENT,
              problem + " (or name an error column to keep the job running: Et4jScorer.Builder.errorColumn)");
        }
        problems[r] = problem;
        slotOf[r] = problem == null ? good++ : -1;
      }
      if (good > 0) {
        runner.run(good, "the batch of rows " + first + ".." + (first + batch.size() - 1) + " of partition " + partition);
      }
      int outputs = plan.outputs().size();
      int extra = outputs + (plan.errorColumn() == null ? 0 : 1);
      for (int r = 0; r < batch.size(); r++) {
        Row row = batch.get(r);
        Object[] values = new Object[row.length() + extra];
        for (int c = 0; c < row.length(); c++) {
          values[c] = row.get(c);
        }
        for (int o = 0; o < outputs; o++) {
          values[row.length() + o] = slotOf[r] < 0 ? null : runner.outputRow(o, slotOf[r]);
        }
        if (plan.errorColumn() != null) {
          values[row.length() + outputs] = problems[r];
        }
        out[r] = RowFactory.create(values);
      }
      outCount = batch.size();
      outNext = 0;
      batch.clear();
    }
  }
}
