package org.et4j.runtime;

import org.et4j.runtime.kernel.Value;

/**
 * One input or output of a method.
 *
 * @param valueIndex index in the method's value table
 * @param tag the kind of value
 * @param tensor the tensor's metadata, or null when the value is not a tensor
 * @param description a short rendering: the tensor's shape, or a constant's value
 * @param constant for an int, bool, double or string input, the value the program was exported
 *     with (the only value it accepts); null otherwise
 */
public record ValueInfo(int valueIndex, Value.Tag tag, TensorInfo tensor, String description, EValue constant) {}
