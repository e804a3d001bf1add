package org.et4j.runtime.kernel;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;

/**
 * One slot of a method's value table: ExecuTorch's {@code EValue}. Kernels and delegates receive
 * their arguments as an array of these slots; writing to a slot (an Int computed by
 * {@code aten::sym_size.int}, say) is seen by every later instruction that reads it, because
 * argument arrays hold the slots themselves, as ExecuTorch's hold {@code EValue*}.
 *
 * <p>Lists follow the file format: an int list and a tensor list hold other slots (so symbolic
 * ints and shared tensors stay live), double and bool lists hold their items inline. Not
 * thread-safe.
 */
public final class Value {
  /** The kind of value held, in ExecuTorch's order. */
  public enum Tag {
    NONE,
    INT,
    DOUBLE,
    BOOL,
    STRING,
    TENSOR,
    INT_LIST,
    DOUBLE_LIST,
    BOOL_LIST,
    TENSOR_LIST,
    OPTIONAL_TENSOR_LIST
  }

  private Tag tag = Tag.NONE;
  private long longValue;
  private double doubleValue;
  private Object ref;

  public Value() {}

  public static Value ofInt(long v) {
    Value x = new Value();
    x.setInt(v);
    return x;
  }

  public static Value ofDouble(double v) {
    Value x = new Value();
    x.setDouble(v);
    return x;
  }

  public static Value ofBool(boolean v) {
    Value x = new Value();
    x.setBool(v);
    return x;
  }

  public static Value ofTensor(TensorImpl t) {
    Value x = new Value();
    x.setTensor(t);
    return x;
  }

  public Tag tag() {
    return tag;
  }

  public boolean isNone() {
    return tag == Tag.NONE;
  }

  public boolean isInt() {
    return tag == Tag.INT;
  }

  public boolean isDouble() {
    return tag == Tag.DOUBLE;
  }

  public boolean isBool() {
    return tag == Tag.BOOL;
  }

  public boolean isTensor() {
    return tag == Tag.TENSOR;
  }

  /** Int, Double or Bool: what ExecuTorch calls a Scalar. */
  public boolean isScalar() {
    return tag == Tag.INT || tag == Tag.DOUBLE || tag == Tag.BOOL;
  }

  private ExecuTorchException wrongTag(Tag expected) {
    return new ExecuTorchException(
        ErrorCode.INVALID_TYPE, "expected a " + expected + " value but found " + tag);
  }

  public long toInt() {
    if (tag != Tag.INT) {
      throw wrongTag(Tag.INT);
    }
    return longValue;
  }

  public double toDouble() {
    if (tag != Tag.DOUBLE) {
      throw wrongTag(Tag.DOUBLE);
    }
    return doubleValue;
  }

  public boolean toBool() {
    if (tag != Tag.BOOL) {
      throw wrongTag(Tag.BOOL);
    }
    return longValue != 0;
  }

  /** A Scalar (Int, Double or Bool) as a double. */
  public double scalarToDouble() {
    return switch (tag) {
      case INT, BOOL -> longValue;
      case DOUBLE -> doubleValue;
      default -> throw wrongTag(Tag.DOUBLE);
    };
  }

  /** A Scalar (Int or Bool; a Double is truncated toward zero) as a long. */
  public long scalarToLong() {
    return switch (tag) {
      case INT, BOOL -> longValue;
      case DOUBLE -> (long) doubleValue;
      default -> throw wrongTag(Tag.INT);
    };
  }

  public String toStringValue() {
    if (tag != Tag.STRING) {
      throw wrongTag(Tag.STRING);
    }
    return (String) ref;
  }

  public TensorImpl toTensor() {
    if (tag != Tag.TENSOR) {
      throw wrongTag(Tag.TENSOR);
    }
    return (TensorImpl) ref;
  }

  /** The tensor, or null when this slot is None (optional tensor arguments). */
  public TensorImpl toOptionalTensor() {
    return tag == Tag.NONE ? null : toTensor();
  }

  /** Number of items of an int list. */
  public int intListLength() {
    return intListItems().length;
  }

  /** Item {@code i} of an int list. */
  public long intListItem(int i) {
    return intListItems()[i].toInt();
  }

  /** A fresh array with the int list's current items. Allocates: prefer the item accessors in hot code. */
  public long[] toIntList() {
    Value[] items = intListItems();
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = items[i].toInt();
    }
    return out;
  }

  /** The int list's items as ints, for sizes and dims. */
  public int[] toIntArray() {
    Value[] items = intListItems();
    int[] out = new int[items.length];
    for (int i = 0; i < items.length; i++) {
      long v = items[i].toInt();
      if (v != (int) v) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT, "int list item " + i + " = " + v + " does not fit in 32 bits");
      }
      out[i] = (int) v;
    }
    return out;
  }

  /** An optional int list: null when None. */
  public int[] toOptionalIntArray() {
    return tag == Tag.NONE ? null : toIntArray();
  }

  /** The int list's item slots (shared, not copied). */
  public Value[] intListItems() {
    if (tag != Tag.INT_LIST) {
      throw wrongTag(Tag.INT_LIST);
    }
    return (Value[]) ref;
  }

  /** The double list's items (shared, not copied). */
  public double[] toDoubleList() {
    if (tag != Tag.DOUBLE_LIST) {
      throw wrongTag(Tag.DOUBLE_LIST);
    }
    return (double[]) ref;
  }

  /** The bool list's items (shared, not copied). */
  public boolean[] toBoolList() {
    if (tag != Tag.BOOL_LIST) {
      throw wrongTag(Tag.BOOL_LIST);
    }
    return (boolean[]) ref;
  }

  /** Number of items of a tensor list or optional tensor list. */
  public int tensorListLength() {
    return tensorListSlots().length;
  }

  /** Item {@code i} of a tensor list; null for a None item of an optional tensor list. */
  public TensorImpl tensorListItem(int i) {
    Value v = tensorListSlots()[i];
    return v == null || v.isNone() ? null : v.toTensor();
  }

  /** A fresh array of the tensor list's tensors (null items for None). */
  public TensorImpl[] toTensorList() {
    Value[] slots = tensorListSlots();
    TensorImpl[] out = new TensorImpl[slots.length];
    for (int i = 0; i < slots.length; i++) {
      out[i] = slots[i] == null || slots[i].isNone() ? null : slots[i].toTensor();
    }
    return out;
  }

  /** The slots of a tensor list or optional tensor list (shared; null items are None). */
  public Value[] tensorListSlots() {
    if (tag != Tag.TENSOR_LIST && tag != Tag.OPTIONAL_TENSOR_LIST) {
      throw wrongTag(Tag.TENSOR_LIST);
    }
    return (Value[]) ref;
  }

  public void setNone() {
    set(Tag.NONE, 0, 0, null);
  }

  public void setInt(long v) {
    set(Tag.INT, v, 0, null);
  }

  public void setDouble(double v) {
    set(Tag.DOUBLE, 0, v, null);
  }

  public void setBool(boolean v) {
    set(Tag.BOOL, v ? 1 : 0, 0, null);
  }

  public void setString(String v) {
    set(Tag.STRING, 0, 0, v);
  }

  public void setTensor(TensorImpl v) {
    set(Tag.TENSOR, 0, 0, v);
  }

  public void setIntList(Value[] items) {
    set(Tag.INT_LIST, 0, 0, items);
  }

  public void setDoubleList(double[] items) {
    set(Tag.DOUBLE_LIST, 0, 0, items);
  }

  public void setBoolList(boolean[] items) {
    set(Tag.BOOL_LIST, 0, 0, items);
  }

  public void setTensorList(Value[] items) {
    set(Tag.TENSOR_LIST, 0, 0, items);
  }

  public void setOptionalTensorList(Value[] items) {
    set(Tag.OPTIONAL_TENSOR_LIST, 0, 0, items);
  }

  /**
   * ExecuTorch's {@code MoveCall}: this slot takes the value {@code source} holds. A tensor moved
   * into a tensor slot updates the slot's own tensor in place ({@link TensorImpl#assignFrom}), so
   * that kernels bound to that tensor at load see the moved data and shape; any other value is
   * copied into the slot, where every argument array that holds the slot sees it.
   */
  public void moveFrom(Value source) {
    if (tag == Tag.TENSOR && source.tag == Tag.TENSOR) {
      ((TensorImpl) ref).assignFrom((TensorImpl) source.ref);
    } else {
      copyFrom(source);
    }
  }

  /** Makes this slot hold what {@code other} holds; a tensor or list is shared, not copied. */
  public void copyFrom(Value other) {
    set(other.tag, other.longValue, other.doubleValue, other.ref);
  }

  private void set(Tag t, long l, double d, Object r) {
    tag = t;
    longValue = l;
    doubleValue = d;
    ref = r;
  }

  @Override
  public String toString() {
    return switch (tag) {
      case NONE -> "None";
      case INT -> "Int(" + longValue + ")";
      case DOUBLE -> "Double(" + doubleValue + ")";
      case BOOL -> "Bool(" + (longValue != 0) + ")";
      case STRING -> "String(" + ref + ")";
      case TENSOR -> "Tensor(" + ((TensorImpl) ref).describe() + ")";
      default -> tag.toString();
    };
  }
}
