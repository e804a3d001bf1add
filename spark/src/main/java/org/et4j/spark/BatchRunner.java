package org.et4j.spark;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.EValue;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.Method;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.ValueInfo;

/**
 * Runs batches of rows through one borrowed {@link Method}: the caller writes each row's inputs
 * into a slot of the input buffers ({@link #slot}), then {@link #run} executes the method on the
 * filled slots and {@link #outputRow} reads each row's outputs. The input buffers are made once
 * per task; only the output arrays Spark keeps are allocated per row.
 */
final class BatchRunner {
  private final ScoringPlan plan;
  private final Method method;
  private final MemorySegment[] buffers;
  private final int[] rowBytes;
  private final Tensor[] outputs;
  private int executedRows;

  BatchRunner(ScoringPlan plan, Method method) {
    this.plan = plan;
    this.method = method;
    List<TensorColumn> inputs = plan.inputs();
    buffers = new MemorySegment[inputs.size()];
    rowBytes = new int[inputs.size()];
    for (int k = 0; k < inputs.size(); k++) {
      TensorColumn in = inputs.get(k);
      rowBytes[k] = Math.multiplyExact(in.rowElements(), in.dtype().elementSize());
      long bytes = Math.multiplyExact((long) rowBytes[k], plan.batchRows());
      // A long[] backing keeps every element naturally aligned.
      buffers[k] = MemorySegment.ofArray(new long[Math.toIntExact((bytes + 7) / 8)]);
    }
    outputs = new Tensor[plan.outputs().size()];
    // Inputs that are not tensors (an int, a bool, a double the program was exported with) must
    // be given exactly the exported value: set them once.
    List<ValueInfo> declared = method.meta().inputs();
    for (int i = 0; i < declared.size(); i++) {
      EValue constant = declared.get(i).constant();
      if (constant != null) {
        method.setInput(i, constant);
      }
    }
  }

  /** The buffer of input {@code k}; row {@code slot}'s elements start at element {@link #slotBase}. */
  MemorySegment buffer(int k) {
    return buffers[k];
  }

  /** The first element index of {@code slot} in input {@code k}'s buffer. */
  long slotBase(int k, int slot) {
    return (long) slot * plan.inputs().get(k).rowElements();
  }

  /**
   * Executes the method on slots {@code [0, rows)}. A static batch is padded with zero rows up
   * to the program's batch; their outputs are never read.
   *
   * @param rows filled slots, at least 1
   * @param where the batch's position, for an execution error's message
   * @throws ExecuTorchException when et4j fails on the batch, with its code and {@code where}
   */
  void run(int rows, String where) {
    int executed = plan.batching() == Batching.STATIC ? plan.batchRows() : rows;
    List<TensorColumn> inputs = plan.inputs();
    for (int k = 0; k < inputs.size(); k++) {
      TensorColumn in = inputs.get(k);
      if (executed > rows) {
        buffers[k].asSlice((long) rows * rowBytes[k], (long) (executed - rows) * rowBytes[k]).fill((byte) 0);
      }
      MemorySegment used = buffers[k].asSlice(0, (long) executed * rowBytes[k]);
      method.setInput(in.index(), EValue.from(Tensor.wrap(in.dtype(), used, shape(in.rowShape(), executed))));
    }
    try {
      method.execute();
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(
          e.errorCode(), "method '" + method.name() + "' failed on " + where + ": " + e.detail(), e);
    }
    List<TensorColumn> outs = plan.outputs();
    for (int o = 0; o < outs.size(); o++) {
      TensorColumn out = outs.get(o);
      EValue v = method.output(out.index());
      if (!(v instanceof EValue.TensorValue(Tensor t))) {
        throw new IllegalStateException(
            "method '" + method.name() + "' output " + out.index() + " is " + v + ", not a tensor");
      }
      if (plan.batching() != Batching.NONE && (t.dim() == 0 || t.shapeAt(0) != executed)) {
        throw new IllegalStateException(
            "method '" + method.name() + "' output " + out.index() + " is " + t.describe() + " for a batch of "
                + executed + " rows: its first dimension is not the batch (use Batching.NONE for a program"
                + " without a batch dimension)");
      }
      outputs[o] = t;
    }
    executedRows = executed;
  }

  /** Output {@code o} of slot {@code slot} of the last {@link #run}, as the column stores it. */
  Object outputRow(int o, int slot) {
    Tensor t = outputs[o];
    long perRow = t.numel() / executedRows;
    boolean scalar = plan.outputs().get(o).rowShape().length == 0;
    return ElementCodec.readRow(t.dtype(), t.data(), slot * perRow, Math.toIntExact(perRow), scalar);
  }

  private long[] shape(long[] rowShape, int rows) {
    if (plan.batching() == Batching.NONE) {
      return rowShape;
    }
    long[] s = new long[rowShape.length + 1];
    s[0] = rows;
    System.arraycopy(rowShape, 0, s, 1, rowShape.length);
    return s;
  }

  @Override
  public String toString() {
    return "BatchRunner[" + method.name() + ", " + Arrays.toString(rowBytes) + "]";
  }
}
