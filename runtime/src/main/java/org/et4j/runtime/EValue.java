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

  record Int(long value) implements EValue {}

  record Double(double value) implements EValue {}

  record Bool(boolean value) implements EValue {}

  record Str(String value) implements EValue {
    public Str {
      Objects.requireNonNull(value, "value");
    }
  }

  record TensorValue(Tensor tensor) implements EValue {
    public TensorValue {
      Objects.requireNonNull(tensor, "tensor");
    }
  }

  record IntList(List<Long> values) implements EValue {
    public IntList {
      values = List.copyOf(values);
    }
  }

  record DoubleList(List<java.lang.Double> values) implements EValue {
    public DoubleList {
      values = List.copyOf(values);
    }
  }

  record BoolList(List<Boolean> values) implements EValue {
    public BoolList {
      values = List.copyOf(values);
    }
  }

  /** Items may be null for None in optional tensor lists. */
  record TensorList(List<Tensor> values) implements EValue {
    public TensorList {
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }

  static EValue none() {
    return new None();
  }

  static EValue from(Tensor t) {
    return new TensorValue(t);
  }

  static EValue from(long v) {
    return new Int(v);
  }

  static EValue from(double v) {
    return new Double(v);
  }

  static EValue from(boolean v) {
    return new Bool(v);
  }

  static EValue from(String v) {
    return new Str(v);
  }

  default boolean isTensor() {
    return this instanceof TensorValue;
  }

  /** The tensor; IllegalStateException if this is not a tensor. */
  default Tensor toTensor() {
    if (this instanceof TensorValue(Tensor t)) {
      return t;
    }
    throw new IllegalStateException("value is " + this + ", not a tensor");
  }

  /** The int; IllegalStateException if this is not an Int. */
  default long toInt() {
    if (this instanceof Int(long v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not an int");
  }

  /** The double; IllegalStateException if this is not a Double. */
  default double toDouble() {
    if (this instanceof Double(double v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not a double");
  }

  /** The bool; IllegalStateException if this is not a Bool. */
  default boolean toBool() {
    if (this instanceof Bool(boolean v)) {
      return v;
    }
    throw new IllegalStateException("value is " + this + ", not a bool");
  }
}
