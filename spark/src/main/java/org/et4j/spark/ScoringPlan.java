package org.et4j.spark;

import java.io.Serializable;
import java.util.List;

/**
 * Everything an executor needs to score rows, fixed at the driver from the program's metadata:
 * sent to executors with each task (small: the program itself travels in {@link ProgramSource}).
 *
 * @param source where the program's bytes come from
 * @param method the method that scores
 * @param kernelThreads threads per kernel call inside one task (1: tasks are the parallelism)
 * @param batching how rows become executions
 * @param batchRows rows per execution: the batch size (DYNAMIC), the program's batch (STATIC), 1 (NONE)
 * @param inputs the method's tensor inputs, each fed from a column
 * @param outputs the method's outputs written to columns, in column order
 * @param errorColumn the column that gets a bad row's problem, or null to fail the task
 */
record ScoringPlan(
    ProgramSource source,
    String method,
    int kernelThreads,
    Batching batching,
    int batchRows,
    List<TensorColumn> inputs,
    List<TensorColumn> outputs,
    String errorColumn)
    implements Serializable {
  ScoringPlan {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** The executor cache's key: the content, and the options the program is loaded with. */
  String cacheKey() {
    return source.sha256() + "/threads=" + kernelThreads;
  }
}
