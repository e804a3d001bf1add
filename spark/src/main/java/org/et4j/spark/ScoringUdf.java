package org.et4j.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.api.java.UDF3;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;

/**
 * The SQL function over array columns: one argument per tensor input, one output's row as the
 * result. Spark calls a Java UDF once per row, so each call is one execution of one row (a
 * static program's batch padded with zero rows); {@link Et4jScorer#transform} batches and is the
 * faster way to score a whole table.
 */
final class ScoringUdf implements UDF1<Object, Object>, UDF2<Object, Object, Object>, UDF3<Object, Object, Object, Object> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final ScoringPlan plan;
  private final int output;
  /** Rows this copy of the function has seen in the current task (Spark gives each task its own copy). */
  private transient long rowsSeen;
  private transient long task = -1;

  ScoringUdf(String name, ScoringPlan plan, int output) {
    this.name = name;
    this.plan = plan;
    this.output = output;
  }

  @Override
  public Object call(Object a) {
    return score(a);
  }

  @Override
  public Object call(Object a, Object b) {
    return score(a, b);
  }

  @Override
  public Object call(Object a, Object b, Object c) {
    return score(a, b, c);
  }

  private Object score(Object... args) {
    TaskContext context = TaskContext.get();
    long attempt = context == null ? -1 : context.taskAttemptId();
    if (attempt != task) {
      task = attempt;
      rowsSeen = 0;
    }
    long row = rowsSeen++;
    ExecutorPrograms.Loaded loaded = ExecutorPrograms.program(plan);
    Method method = loaded.borrow(plan.method());
    try {
      BatchRunner runner = new BatchRunner(plan, method);
      for (int k = 0; k < args.length; k++) {
        TensorColumn in = plan.inputs().get(k);
        String problem = RowValues.write(in, args[k], runner.buffer(k), 0);
        if (problem != null) {
          String partition = context == null ? "" : " of partition " + context.partitionId();
          throw new ExecuTorchException(
              ErrorCode.INVALID_ARGUMENT,
              "argument " + (k + 1) + " of " + name + "(...) (input '" + in.column() + "'), in row " + row + partition
                  + " of this call's rows, " + problem);
        }
      }
      runner.run(1, "row " + row + " of " + name + "(...)");
      return runner.outputRow(output, 0);
    } finally {
      loaded.release(method);
    }
  }
}
