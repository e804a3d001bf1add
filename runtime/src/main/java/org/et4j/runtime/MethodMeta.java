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
    List<String> mutableBufferNames) {
  public MethodMeta {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    plannedBufferSizes = List.copyOf(plannedBufferSizes);
    operators = List.copyOf(operators);
    delegates = List.copyOf(delegates);
    mutableBufferNames = List.copyOf(mutableBufferNames);
  }

  /** Sum of the planned arena sizes. */
  public long plannedBytes() {
    long total = 0;
    for (long s : plannedBufferSizes) {
      total += s;
    }
    return total;
  }

  /** The backend ids used, in delegate order, without repeats. */
  public List<String> backendIds() {
    return delegates.stream().map(DelegateInfo::backendId).distinct().toList();
  }
}
