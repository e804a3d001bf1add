package org.et4j.runtime;

import java.util.List;

/**
 * Everything a program says about a method, available before the method is loaded: ExecuTorch's
 * {@code MethodMeta}, plus the operators and delegates it uses.
 *
 * @param name the method name
 * @param inputs user inputs, in order
 * @param outputs outputs, in order
 * @param plannedBufferSizes bytes of each planned memory arena the method needs (the reserved
 *     entry 0 of the file's list is left out, as ExecuTorch's MethodMeta does)
 * @param operators operators called, in the program's operator-table order, with call counts
 * @param delegates delegates used
 * @param numInstructions instructions in the method's chains
 * @param numValues entries of the value table
 * @param mutableBufferNames fully-qualified names of planned tensors that carry one (named
 *     mutable buffers such as KV caches)
 * @param inputNames the inputs' names, in order, when the program names every one (the method was
 *     exported with keyword arguments only: the pytree spec in the plan's {@code
 *     container_meta_type} gives their keys); empty when the inputs are positional only
 * @param outputNames the outputs' names, in order, when the method returns a flat dict; empty
 *     when the outputs are positional only
 */
public record MethodMeta(
    String name,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    List<Long> plannedBufferSizes,
    List<OperatorUse> operators,
    List<DelegateInfo> delegates,
    int numInstructions,
    int numValues,
    List<String> mutableBufferNames,
    List<String> inputNames,
    List<String> outputNames) {
  /**
   * Copies the lists.
   *
   * @throws IllegalArgumentException when {@code inputNames} or {@code outputNames} is neither
   *     empty nor one name per input or output
   */
  public MethodMeta {
    inputNames = List.copyOf(inputNames);
    outputNames = List.copyOf(outputNames);
    if (!inputNames.isEmpty() && inputNames.size() != inputs.size()
        || !outputNames.isEmpty() && outputNames.size() != outputs.size()) {
      throw new IllegalArgumentException("names must be absent or one per input and output");
    }
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    plannedBufferSizes = List.copyOf(plannedBufferSizes);
    operators = List.copyOf(operators);
    delegates = List.copyOf(delegates);
    mutableBufferNames = List.copyOf(mutableBufferNames);
  }

  /**
   * True when every input has a name ({@link #inputNames()}), so inputs can be given by name.
   *
   * @return whether the inputs are named
   */
  public boolean hasNamedInputs() {
    return !inputNames.isEmpty();
  }

  /**
   * True when every output has a name ({@link #outputNames()}).
   *
   * @return whether the outputs are named
   */
  public boolean hasNamedOutputs() {
    return !outputNames.isEmpty();
  }

  /**
   * The position of the input called {@code name}.
   *
   * @param name an input name, as in {@link #inputNames()}
   * @return its index, from 0
   * @throws IllegalArgumentException when the inputs have no names (positional only) or none is
   *     called {@code name}, listing the names there are
   */
  public int inputIndex(String name) {
    return indexOf(inputNames, name, "input", inputs.size());
  }

  /**
   * The position of the output called {@code name}; as {@link #inputIndex}.
   *
   * @param name an output name, as in {@link #outputNames()}
   * @return its index, from 0
   * @throws IllegalArgumentException when the outputs have no names or none is called {@code name}
   */
  public int outputIndex(String name) {
    return indexOf(outputNames, name, "output", outputs.size());
  }

  private int indexOf(List<String> names, String name, String what, int count) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "method '" + this.name + "' has positional " + what + "s only (" + count + "): the program does not name"
              + " them (export with keyword arguments, or a dict output, to name them)");
    }
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(
          "unknown " + what + " name '" + name + "' of method '" + this.name + "', expected one of " + names);
    }
    return i;
  }

  /**
   * Sum of the planned arena sizes.
   *
   * @return the bytes a loaded method reserves for its memory plan
   */
  public long plannedBytes() {
    long total = 0;
    for (long s : plannedBufferSizes) {
      total += s;
    }
    return total;
  }

  /**
   * The backend ids used, in delegate order, without repeats.
   *
   * @return the ids, unmodifiable; empty when nothing is delegated
   */
  public List<String> backendIds() {
    return delegates.stream().map(DelegateInfo::backendId).distinct().toList();
  }
}
