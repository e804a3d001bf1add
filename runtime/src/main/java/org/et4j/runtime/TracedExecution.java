package org.et4j.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.et4j.runtime.devtools.EventTracer;
import org.et4j.runtime.devtools.TracedInstruction;
import org.et4j.runtime.delegate.DelegateTracer;
import org.et4j.runtime.internal.jfr.DelegateEvent;
import org.et4j.runtime.internal.jfr.ExecuteEvent;
import org.et4j.runtime.internal.jfr.OperatorEvent;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The instruction loop of a {@link Method} while it is observed: by an attached
 * {@link EventTracer}, by a JFR recording that enables et4j's events, or both. It has the plain
 * loop's semantics (the same budget, jumps, moves, frees and error messages) and adds a clock
 * read around every instruction; the plain loop stays free of both. Built on the first traced
 * execution and kept with the method.
 */
final class TracedExecution {
  private final Method method;
  private final Value[] values;
  private final Method.Step[][] chains;
  private final KernelContext scratch;
  private final Instruction[][] instructions;
  private final List<Value> outputs;
  private final DelegateEvents delegateEvents = new DelegateEvents();

  TracedExecution(Method method, Value[] values, int[] outputIndexes, Method.Step[][] chains, KernelContext scratch) {
    this.method = method;
    this.values = values;
    this.chains = chains;
    this.scratch = scratch;
    this.instructions = new Instruction[chains.length][];
    for (int c = 0; c < chains.length; c++) {
      instructions[c] = new Instruction[chains[c].length];
      for (int i = 0; i < chains[c].length; i++) {
        instructions[c][i] = new Instruction(c, i, chains[c][i]);
      }
    }
    List<Value> outs = new ArrayList<>();
    for (int o : outputIndexes) {
      outs.add(values[o]);
    }
    this.outputs = Collections.unmodifiableList(outs);
  }

  /** Runs every chain, reporting to {@code tracer} (may be null) and to JFR when {@code jfr}. */
  void run(EventTracer tracer, boolean jfr, long deadline) {
    ExecuteEvent executeEvent = null;
    if (jfr) {
      executeEvent = new ExecuteEvent();
      executeEvent.begin();
    }
    String name = method.name();
    if (tracer != null) {
      tracer.executionStarted(name);
    }
    delegateEvents.tracer = tracer;
    delegateEvents.outputs = tracer != null && tracer.debugLevel() == EventTracer.DebugLevel.INTERMEDIATE_OUTPUTS;
    long executionStart = System.nanoTime();
    long budget = Method.MAX_INSTRUCTIONS_PER_EXECUTION;
    long executed = 0;
    for (int c = 0; c < chains.length; c++) {
      Method.Step[] steps = chains[c];
      Instruction[] infos = instructions[c];
      int pc = 0;
      try {
        while (pc < steps.length) {
          if (--budget < 0) {
            throw ExecuTorchException.invalidProgram(
                "instruction execution limit (" + Method.MAX_INSTRUCTIONS_PER_EXECUTION + ") exceeded; possible infinite loop");
          }
          method.checkStop(deadline);
          executed++;
          Instruction info = infos[pc];
          int next = pc + 1;
          long start = System.nanoTime();
          switch (steps[pc]) {
            case Method.Step.Kernel k -> {
              OperatorEvent e = jfr ? new OperatorEvent() : null;
              if (e != null) {
                e.begin();
              }
              k.call().execute(scratch);
              if (e != null && e.shouldCommit()) {
                e.method = name;
                e.chain = c;
                e.instruction = pc;
                e.operator = k.operator();
                e.inputShapes = info.describeInputs();
                e.commit();
              }
            }
            case Method.Step.Delegate d -> {
              DelegateEvent e = jfr ? new DelegateEvent() : null;
              if (e != null) {
                e.begin();
              }
              if (tracer != null) {
                delegateEvents.current = info;
                d.handle().execute(d.args(), delegateEvents);
              } else {
                d.handle().execute(d.args());
              }
              if (e != null && e.shouldCommit()) {
                e.method = name;
                e.chain = c;
                e.instruction = pc;
                e.backend = info.operator();
                e.delegateIndex = d.index();
                e.inputShapes = info.describeInputs();
                e.commit();
              }
            }
            case Method.Step.Move m -> values[m.to()].moveFrom(values[m.from()]);
            case Method.Step.JumpFalse j -> {
              Value condition = values[j.condition()];
              if (condition.isTensor()) {
                budget -= condition.toTensor().numel();
              }
              next = Method.isTrue(condition) ? pc + 1 : j.destination();
            }
            case Method.Step.Free f -> values[f.value()].toTensor().setData(null);
          }
          long end = System.nanoTime();
          if (tracer != null) {
            tracer.instructionExecuted(info, start, end);
          }
          pc = next;
        }
      } catch (RuntimeException e) {
        throw method.failure(c, pc, steps, e);
      }
    }
    long executionEnd = System.nanoTime();
    if (tracer != null) {
      tracer.executionFinished(name, executionStart, executionEnd, outputs);
    }
    if (executeEvent != null && executeEvent.shouldCommit()) {
      executeEvent.method = name;
      executeEvent.instructions = executed;
      executeEvent.commit();
    }
  }

  /** Forwards a delegate's events to the tracer against the DelegateCall being executed. */
  private static final class DelegateEvents implements DelegateTracer {
    EventTracer tracer;
    TracedInstruction current;
    boolean outputs;

    @Override
    public void event(String name, int debugId, long startNanos, long endNanos, byte[] metadata) {
      tracer.delegateEvent(current, name, debugId, startNanos, endNanos, metadata);
    }

    @Override
    public boolean wantsOutputs() {
      return outputs;
    }

    @Override
    public void output(String name, int debugId, Value value) {
      if (outputs) {
        tracer.delegateOutput(current, name, debugId, value);
      }
    }
  }

  /** One instruction as tracers see it. */
  private final class Instruction implements TracedInstruction {
    private final int chain;
    private final int index;
    private final Kind kind;
    private final String operator;
    private final int delegateIndex;
    private final List<Value> arguments;
    private final List<Value> outputs;
    private final List<Value> inputs;

    Instruction(int chain, int index, Method.Step step) {
      this.chain = chain;
      this.index = index;
      switch (step) {
        case Method.Step.Kernel k -> {
          kind = Kind.KERNEL_CALL;
          operator = k.operator();
          delegateIndex = -1;
          arguments = List.of(k.args());
          outputs = kernelOutputs(k.args());
          List<Value> in = new ArrayList<>(Arrays.asList(k.args()));
          // The out arguments and the return slot that repeats them are not inputs.
          in.remove(in.size() - 1);
          int outs = outputs.size();
          for (int i = 0; i < outs && !in.isEmpty() && outputs.contains(in.getLast()); i++) {
            in.removeLast();
          }
          inputs = List.copyOf(in);
        }
        case Method.Step.Delegate d -> {
          kind = Kind.DELEGATE_CALL;
          delegateIndex = d.index();
          List<DelegateInfo> ds = method.meta().delegates();
          operator = d.index() < ds.size() ? ds.get(d.index()).backendId() : "";
          arguments = List.of(d.args());
          outputs = arguments;
          inputs = arguments;
        }
        case Method.Step.Move m -> {
          kind = Kind.MOVE_CALL;
          operator = "";
          delegateIndex = -1;
          arguments = List.of(values[m.from()], values[m.to()]);
          outputs = List.of();
          inputs = arguments;
        }
        case Method.Step.JumpFalse j -> {
          kind = Kind.JUMP_FALSE_CALL;
          operator = "";
          delegateIndex = -1;
          arguments = List.of(values[j.condition()]);
          outputs = List.of();
          inputs = arguments;
        }
        case Method.Step.Free f -> {
          kind = Kind.FREE_CALL;
          operator = "";
          delegateIndex = -1;
          arguments = List.of(values[f.value()]);
          outputs = List.of();
          inputs = arguments;
        }
      }
    }

    /**
     * ExecuTorch's emitter appends a return slot to every kernel call: the out argument itself
     * for one tensor out, else a new tensor list of the outs (for one tensor-list out, a new list
     * of its tensors). The generated wrappers log each out argument: one tensor, one tensor list,
     * or each of several tensors.
     */
    private static List<Value> kernelOutputs(Value[] args) {
      if (args.length == 0) {
        return List.of();
      }
      Value ret = args[args.length - 1];
      if (ret.tag() != Value.Tag.TENSOR_LIST) {
        return List.of(ret);
      }
      Value[] items = ret.tensorListSlots();
      Value last = args.length > 1 ? args[args.length - 2] : null;
      if (last != null && last.tag() == Value.Tag.TENSOR_LIST && sameSlots(last.tensorListSlots(), items)) {
        return List.of(last);
      }
      return List.of(items);
    }

    private static boolean sameSlots(Value[] a, Value[] b) {
      if (a.length != b.length) {
        return false;
      }
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String method() {
      return method.name();
    }

    @Override
    public int chain() {
      return chain;
    }

    @Override
    public int index() {
      return index;
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public String operator() {
      return operator;
    }

    @Override
    public int delegateIndex() {
      return delegateIndex;
    }

    @Override
    public List<Value> arguments() {
      return arguments;
    }

    @Override
    public List<Value> outputs() {
      return outputs;
    }

    @Override
    public String describeInputs() {
      StringBuilder sb = new StringBuilder();
      for (Value v : inputs) {
        if (!sb.isEmpty()) {
          sb.append(", ");
        }
        if (v.isTensor()) {
          TensorImpl t = v.toTensor();
          sb.append(Arrays.toString(t.sizes())).append(' ').append(t.dtype().displayName());
        } else {
          sb.append(v);
        }
      }
      return sb.toString();
    }
  }
}
