package org.et4j.runtime.devtools;

import java.util.List;
import org.et4j.runtime.kernel.Value;

/**
 * One instruction of a loaded method, as an {@link EventTracer} sees it. Built once per method
 * when tracing starts; the values are the method's live argument slots, so they show the
 * instruction's current shapes and data while the tracer is being called.
 */
public interface TracedInstruction {
  /** ExecuTorch's five instruction kinds, named as its profiler names their events. */
  enum Kind {
    KERNEL_CALL("OPERATOR_CALL"),
    DELEGATE_CALL("DELEGATE_CALL"),
    MOVE_CALL("MOVE_CALL"),
    JUMP_FALSE_CALL("JF_CALL"),
    FREE_CALL("FREE_CALL");

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    /** The name of ExecuTorch's profile event for this kind ({@code OPERATOR_CALL}, ...). */
    public String eventName() {
      return eventName;
    }
  }

  /** The method's name. */
  String method();

  /** The chain's index in the method. */
  int chain();

  /** The instruction's index in its chain: ExecuTorch's instruction id (debug handle). */
  int index();

  Kind kind();

  /**
   * The operator of a kernel call ({@code aten::add.out}), the backend id of a delegate call
   * ({@code XnnpackBackend}), else the empty string.
   */
  String operator();

  /** The delegate index of a delegate call, else -1. */
  int delegateIndex();

  /** The instruction's argument slots, in order. */
  List<Value> arguments();

  /**
   * The values ExecuTorch's tracer logs as this instruction's output: a kernel call's out
   * arguments (the emitter's trailing return slot, or each tensor of it when it is a list), every
   * argument of a delegate call (ExecuTorch cannot tell a delegate's inputs from its outputs), and
   * nothing for moves, jumps and frees.
   */
  List<Value> outputs();

  /** The arguments other than the outputs, each as its shape and dtype or its value, e.g. {@code [1, 8] float32, 2}. */
  String describeInputs();
}
