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
    /** A call of a registered kernel (an operator). */
    KERNEL_CALL("OPERATOR_CALL"),
    /** A call of a delegate, run by its backend. */
    DELEGATE_CALL("DELEGATE_CALL"),
    /** A copy of one value slot into another. */
    MOVE_CALL("MOVE_CALL"),
    /** A conditional jump within the chain, taken when its condition is false. */
    JUMP_FALSE_CALL("JF_CALL"),
    /** The release of a tensor's dynamically allocated memory. */
    FREE_CALL("FREE_CALL");

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    /**
     * The name of ExecuTorch's profile event for this kind ({@code OPERATOR_CALL}, ...).
     *
     * @return the event name
     */
    public String eventName() {
      return eventName;
    }
  }

  /**
   * The method's name.
   *
   * @return the name
   */
  String method();

  /**
   * The chain's index in the method.
   *
   * @return the index, from 0
   */
  int chain();

  /**
   * The instruction's index in its chain: ExecuTorch's instruction id (debug handle).
   *
   * @return the index, from 0
   */
  int index();

  /**
   * What the instruction does.
   *
   * @return its kind
   */
  Kind kind();

  /**
   * The operator of a kernel call ({@code aten::add.out}), the backend id of a delegate call
   * ({@code XnnpackBackend}), else the empty string.
   *
   * @return the operator or backend id, never null
   */
  String operator();

  /**
   * The delegate index of a delegate call, else -1.
   *
   * @return the index into the program's delegates, or -1
   */
  int delegateIndex();

  /**
   * The instruction's argument slots, in order.
   *
   * @return the live slots (unmodifiable); their contents change as the method runs
   */
  List<Value> arguments();

  /**
   * The values ExecuTorch's tracer logs as this instruction's output: a kernel call's out
   * arguments (the emitter's trailing return slot, or each tensor of it when it is a list), every
   * argument of a delegate call (ExecuTorch cannot tell a delegate's inputs from its outputs), and
   * nothing for moves, jumps and frees.
   *
   * @return the live output slots (unmodifiable), possibly empty
   */
  List<Value> outputs();

  /**
   * The arguments other than the outputs, each as its shape and dtype or its value, e.g. {@code [1, 8] float32, 2}.
   *
   * @return the description, from the current values
   */
  String describeInputs();
}
