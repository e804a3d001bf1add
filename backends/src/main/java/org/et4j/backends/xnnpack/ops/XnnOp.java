package org.et4j.backends.xnnpack.ops;

import org.et4j.backends.xnnpack.XnnGraph;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * One node of a running XNNPACK graph: XNNPACK's operator with its {@code reshape} (propagate the
 * input dims to the outputs and check them) and {@code setup + run} (compute). Everything that
 * depends only on the node's parameters and constants (packed weights, validated geometry) is
 * built in the constructor, at delegate init; {@link #reshape} runs when an input shape changed;
 * {@link #run} allocates nothing.
 */
public abstract class XnnOp {
  protected final XnnGraph.Node node;
  protected final String where;
  private final XTensor[] inputs;
  private final XTensor[] outputs;

  protected XnnOp(XnnGraph.Node node, String graphWhere, XTensor[] inputs, XTensor[] outputs) {
    this.node = node;
    this.where = graphWhere + " " + node.where();
    this.inputs = inputs;
    this.outputs = outputs;
  }

  /** The values this node reads (for liveness and the definition-order check). */
  public final XTensor[] inputs() {
    return inputs;
  }

  /** The values this node writes. */
  public final XTensor[] outputs() {
    return outputs;
  }

  public final XnnGraph.Node node() {
    return node;
  }

  /** Sets the outputs' dims from the inputs' current dims; throws when they do not fit. */
  public abstract void reshape();

  /** Computes the outputs. */
  public abstract void run();

  /** An InvalidProgram error about this node (a bad parameter or value, found at init). */
  protected final ExecuTorchException invalid(String what) {
    return new ExecuTorchException(ErrorCode.INVALID_PROGRAM, where + ": " + what);
  }

  /** A shape error at execution (the inputs given do not fit the node), as XNNPACK's reshape fails. */
  protected final ExecuTorchException badShape(String what) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, where + ": " + what);
  }

  /** NotSupported: a valid payload that et4j does not run (a datatype combination, say). */
  protected final ExecuTorchException unsupported(String what) {
    return new ExecuTorchException(ErrorCode.NOT_SUPPORTED, where + ": " + what);
  }
}
