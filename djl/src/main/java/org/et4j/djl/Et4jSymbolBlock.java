package org.et4j.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractSymbolBlock;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Method;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.Program;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/**
 * The block of an {@link Et4jModel}: one method of the program, run on the block's inputs. Its
 * inputs go to the method without a copy (an {@link Et4jNDArray}'s memory is what the method reads;
 * arrays of other engines are copied in once); each tensor output is copied once out of the
 * method's planned memory into a new array of the caller's manager.
 *
 * <p>Thread-safe: DJL runs one {@code Predictor} per thread over one model, and an et4j {@link
 * Method} is used by one thread at a time, so each forward borrows a loaded method from a pool and
 * returns it afterwards; a method is loaded (over the shared, immutable {@link Program}) only when
 * every loaded one is in use. Constants are shared, planned memory is per method.
 */
final class Et4jSymbolBlock extends AbstractSymbolBlock implements AutoCloseable {
  private final Program program;
  private final String methodName;
  private final MethodMeta meta;
  private final Et4jNDManager manager;
  private final ConcurrentLinkedDeque<Method> idle = new ConcurrentLinkedDeque<>();
  private final Set<Method> loaded = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  Et4jSymbolBlock(Program program, String methodName, Et4jNDManager manager) {
    this.program = program;
    this.methodName = methodName;
    this.meta = program.methodMeta(methodName);
    this.manager = manager;
    // Load the first method now, so that a program whose kernels are missing fails at load.
    Method first = program.loadMethod(methodName);
    loaded.add(first);
    idle.push(first);
    manager.attachInternal(NDManager.nextUid(), this);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    if (closed) {
      throw new IllegalStateException("the model of method '" + methodName + "' is closed");
    }
    if (inputs.size() != meta.inputs().size()) {
      throw new IllegalArgumentException(
          "method '"
              + methodName
              + "' takes "
              + meta.inputs().size()
              + " input(s) "
              + describe(meta.inputs())
              + ", got "
              + inputs.size());
    }
    NDManager callerManager = inputs.isEmpty() ? manager : inputs.head().getManager();
    Et4jNDManager results = callerManager instanceof Et4jNDManager m ? m : manager;
    Method method = borrow();
    try {
      for (int i = 0; i < inputs.size(); i++) {
        method.setInput(i, EValue.from(results.from(inputs.get(i)).toTensor()));
      }
      method.execute();
      NDList outputs = new NDList(method.outputCount());
      for (int i = 0; i < method.outputCount(); i++) {
        outputs.add(output(method, i, results));
      }
      return outputs;
    } finally {
      idle.push(method);
    }
  }

  private Method borrow() {
    Method method = idle.poll();
    if (method == null) {
      method = program.loadMethod(methodName);
      loaded.add(method);
    }
    return method;
  }

  private NDArray output(Method method, int i, Et4jNDManager results) {
    EValue value = method.output(i);
    return switch (value) {
      case EValue.TensorValue(Tensor view) -> {
        Et4jNDArray out = results.allocate(view.dtype(), new Shape(view.shape()));
        method.output(i, Tensor.wrap(view.dtype(), out.memory(), view.shape()));
        yield out;
      }
      case EValue.Int(long v) -> results.create(v);
      case EValue.Double(double v) -> results.create(v);
      case EValue.Bool(boolean v) -> results.create(v);
      default ->
          throw new UnsupportedOperationException(
              "output "
                  + i
                  + " of method '"
                  + methodName
                  + "' is "
                  + value.getClass().getSimpleName()
                  + "; et4j's DJL engine returns tensors and scalars only");
    };
  }

  @Override
  public PairList<String, Shape> describeInput() {
    return describeValues(meta.inputs(), meta.inputNames(), "input");
  }

  @Override
  public PairList<String, Shape> describeOutput() {
    return describeValues(meta.outputs(), meta.outputNames(), "output");
  }

  /**
   * Names from the program's pytree spec when it has them; shapes as planned (upper bounds for
   * dynamic ones).
   */
  private static PairList<String, Shape> describeValues(
      List<ValueInfo> values, List<String> names, String kind) {
    PairList<String, Shape> described = new PairList<>();
    for (int i = 0; i < values.size(); i++) {
      TensorInfo tensor = values.get(i).tensor();
      String name = names.isEmpty() ? kind + i : names.get(i);
      described.add(
          name,
          tensor == null
              ? new Shape()
              : new Shape(tensor.sizes().stream().mapToLong(Integer::longValue).toArray()));
    }
    return described;
  }

  private static String describe(List<ValueInfo> values) {
    StringBuilder sb = new StringBuilder("[");
    for (ValueInfo v : values) {
      sb.append(sb.length() > 1 ? ", " : "")
          .append(v.tensor() == null ? v.description() : v.tensor().describe());
    }
    return sb.append(']').toString();
  }

  /**
   * Empty: the program's weights are its constants, not DJL parameters.
   *
   * @return an empty list
   */
  @Override
  public ParameterList getDirectParameters() {
    return new ParameterList();
  }

  @Override
  public void removeLastBlock() {
    throw Unsupported.operation("SymbolBlock.removeLastBlock()");
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Method m : loaded) {
      m.close();
    }
    loaded.clear();
    idle.clear();
    program.close();
  }
}
