package org.et4j.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A value passed to or returned from a method: ExecuTorch's {@code EValue} as the API sees it.
 * Sealed: switch over the records.
 */
public sealed interface EValue
    permits EValue.None, EValue.Int, EValue.Double, EValue.Bool, EValue.Str, EValue.TensorValue,
        EValue.IntList, EValue.DoubleList, EValue.BoolList, EValue.TensorList {

  /** The absent value. */
  record None() implements EValue {}

  /**
   * An Int: a 64-bit integer (also a symbolic size).
   *
   * @param value the value
   */
  record Int(long value) implements EValue {}

  /**
   * A Double.
   *
   * @param value the value
   */
  record Double(double value) implements EValue {}

  /**
   * A Bool.
   *
   * @param value the value
   */
  record Bool(boolean value) implements EValue {}

  /**
   * A String.
   *
   * @param value the string, not null
   */
  record Str(String value) implements EValue {
    /** Checks that {@code value} is not null. */
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A tensor.
   *
   * @param tensor the tensor, not null (shared, not copied)
   */
  record TensorValue(Tensor tensor) implements EValue {
    /** Checks that {@code tensor} is not null. */
    public TensorValue {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  /**
   * A list of Ints.
   *
   * @param values the items (copied; no nulls)
   */
  record IntList(List<Long> values) implements EValue {
    /** Copies {@code values}. */
    public IntList {
      values = List.copyOf(values);
    }
  }

  /**
   * A list of Doubles.
   *
   * @param values the items (copied; no nulls)
   */
  record DoubleList(List<java.lang.Double> values) implements EValue {
    /** Copies {@code values}. */
    public DoubleList {
      values = List.copyOf(values);
    }
  }

  /**
   * A list of Bools.
   *
   * @param values the items (copied; no nulls)
   */
  record BoolList(List<Boolean> values) implements EValue {
    /** Copies {@code values}. */
    public BoolList {
      values = List.copyOf(values);
    }
  }

  /**
   * A list of tensors. Items may be null for None in optional tensor lists.
   *
   * @param values the tensors (the list is copied, the tensors are shared)
   */
  record TensorList(List<Tensor> values) implements EValue {
    /** Copies {@code values}, keeping null items. */
    public TensorList {
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }

  /**
   * The absent value.
   *
   * @return a {@link None}
   */
  static EValue none() {
    return new None();
  }

  /**
   * A tensor value.
   *
   * @param t the tensor, not null (shared, not copied)
   * @return a {@link TensorValue}
   */
  static EValue from(Tensor t) {
    return new TensorValue(t);
  }

  /**
   * An Int value.
   *
   * @param v the value
   * @return an {@link Int}
   */
  static EValue from(long v) {
    return new Int(v);
  }

  /**
   * A Double value.
   *
   * @param v the value
   * @return a {@link Double}
   */
  static EValue from(double v) {
    return new Double(v);
  }

  /**
   * A Bool value.
   *
   * @param v the value
   * @return a {@link Bool}
   */
  static EValue from(boolean v) {
    return new Bool(v);
  }

  /**
   * A String value.
   *
   * @param v the string, not null
   * @return a {@link Str}
   */
  static EValue from(String v) {
    return new Str(v);
  }

  /**
   * Whether this is a tensor.
   *
   * @return true for a {@link TensorValue}
   */
  default boolean isTensor() {
    return this instanceof TensorValue;
  }

  /**
   * The tensor; IllegalStateException if this is not a tensor.
   *
   * @return the tensor
   * @throws IllegalStateException if this is not a {@link TensorValue}
   */
  default Tensor toTensor() {
    if (this instanceof TensorValue(Tensor t)) {
      return t;
    }
    throw new IllegalStateException("value is " + this + ", not a tensor");
  }

  /**
   * The int; IllegalStateException if this is not an Int.
   *
   * @return the value
   * @throws IllegalStateException if this is not an {@link Int}
   */
  default long toInt() {
    if (this instanceof Int(long v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not an int");
  }

  /**
   * The double; IllegalStateException if this is not a Double.
   *
   * @return the value
   * @throws IllegalStateException if this is not a {@link Double}
   */
  default double toDouble() {
    if (this instanceof Double(double v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not a double");
  }

  /**
   * The bool; IllegalStateException if this is not a Bool.
   *
   * @return the value
   * @throws IllegalStateException if this is not a {@link Bool}
   */
  default boolean toBool() {
    if (this instanceof Bool(boolean v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not a bool");
  }
}
