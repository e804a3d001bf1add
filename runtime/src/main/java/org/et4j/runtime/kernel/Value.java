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
    /** No value: an absent optional argument, or a slot not yet written. */
    NONE,
    /** A 64-bit integer (ExecuTorch's {@code Int}, also a symbolic int). */
    INT,
    /** A 64-bit float. */
    DOUBLE,
    /** A boolean. */
    BOOL,
    /** A string. */
    STRING,
    /** A tensor ({@link TensorImpl}). */
    TENSOR,
    /** A list of int slots, which stay live (symbolic ints). */
    INT_LIST,
    /** A list of doubles, held inline. */
    DOUBLE_LIST,
    /** A list of booleans, held inline. */
    BOOL_LIST,
    /** A list of tensor slots. */
    TENSOR_LIST,
    /** A list of tensor slots, any of which may be None. */
    OPTIONAL_TENSOR_LIST
  }

  private Tag tag = Tag.NONE;
  private long longValue;
  private double doubleValue;
  private Object ref;

  /**
   * An empty slot: {@link Tag#NONE}.
   */
  public Value() {}

  /**
   * A new slot holding an Int.
   *
   * @param v the value
   * @return the slot
   */
  public static Value ofInt(long v) {
    Value x = new Value();
    x.setInt(v);
    return x;
  }

  /**
   * A new slot holding a Double.
   *
   * @param v the value
   * @return the slot
   */
  public static Value ofDouble(double v) {
    Value x = new Value();
    x.setDouble(v);
    return x;
  }

  /**
   * A new slot holding a Bool.
   *
   * @param v the value
   * @return the slot
   */
  public static Value ofBool(boolean v) {
    Value x = new Value();
    x.setBool(v);
    return x;
  }

  /**
   * A new slot holding a tensor (shared, not copied).
   *
   * @param t the tensor
   * @return the slot
   */
  public static Value ofTensor(TensorImpl t) {
    Value x = new Value();
    x.setTensor(t);
    return x;
  }

  /**
   * The kind of value held.
   *
   * @return the tag
   */
  public Tag tag() {
    return tag;
  }

  /**
   * Whether this slot holds None.
   *
   * @return true when {@link #tag()} is {@link Tag#NONE}
   */
  public boolean isNone() {
    return tag == Tag.NONE;
  }

  /**
   * Whether this slot holds an Int.
   *
   * @return true when {@link #tag()} is {@link Tag#INT}
   */
  public boolean isInt() {
    return tag == Tag.INT;
  }

  /**
   * Whether this slot holds a Double.
   *
   * @return true when {@link #tag()} is {@link Tag#DOUBLE}
   */
  public boolean isDouble() {
    return tag == Tag.DOUBLE;
  }

  /**
   * Whether this slot holds a Bool.
   *
   * @return true when {@link #tag()} is {@link Tag#BOOL}
   */
  public boolean isBool() {
    return tag == Tag.BOOL;
  }

  /**
   * Whether this slot holds a tensor.
   *
   * @return true when {@link #tag()} is {@link Tag#TENSOR}
   */
  public boolean isTensor() {
    return tag == Tag.TENSOR;
  }

  /**
   * Int, Double or Bool: what ExecuTorch calls a Scalar.
   *
   * @return whether the slot holds a Scalar
   */
  public boolean isScalar() {
    return tag == Tag.INT || tag == Tag.DOUBLE || tag == Tag.BOOL;
  }

  private ExecuTorchException wrongTag(Tag expected) {
    return new ExecuTorchException(
        ErrorCode.INVALID_TYPE, "expected a " + expected + " value but found " + tag);
  }

  /**
   * The Int this slot holds.
   *
   * @return the value
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public long toInt() {
    if (tag != Tag.INT) {
      throw wrongTag(Tag.INT);
    }
    return longValue;
  }

  /**
   * The Double this slot holds.
   *
   * @return the value
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public double toDouble() {
    if (tag != Tag.DOUBLE) {
      throw wrongTag(Tag.DOUBLE);
    }
    return doubleValue;
  }

  /**
   * The Bool this slot holds.
   *
   * @return the value
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public boolean toBool() {
    if (tag != Tag.BOOL) {
      throw wrongTag(Tag.BOOL);
    }
    return longValue != 0;
  }

  /**
   * A Scalar (Int, Double or Bool) as a double.
   *
   * @return the value; a Bool is 0 or 1
   * @throws ExecuTorchException InvalidType when the slot holds no Scalar
   */
  public double scalarToDouble() {
    return switch (tag) {
      case INT, BOOL -> longValue;
      case DOUBLE -> doubleValue;
      default -> throw wrongTag(Tag.DOUBLE);
    };
  }

  /**
   * A Scalar (Int or Bool; a Double is truncated toward zero) as a long.
   *
   * @return the value; a Bool is 0 or 1
   * @throws ExecuTorchException InvalidType when the slot holds no Scalar
   */
  public long scalarToLong() {
    return switch (tag) {
      case INT, BOOL -> longValue;
      case DOUBLE -> (long) doubleValue;
      default -> throw wrongTag(Tag.INT);
    };
  }

  /**
   * The String this slot holds.
   *
   * @return the string
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public String toStringValue() {
    if (tag != Tag.STRING) {
      throw wrongTag(Tag.STRING);
    }
    return (String) ref;
  }

  /**
   * The tensor this slot holds (shared, not copied).
   *
   * @return the tensor
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public TensorImpl toTensor() {
    if (tag != Tag.TENSOR) {
      throw wrongTag(Tag.TENSOR);
    }
    return (TensorImpl) ref;
  }

  /**
   * The tensor, or null when this slot is None (optional tensor arguments).
   *
   * @return the tensor or null
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public TensorImpl toOptionalTensor() {
    return tag == Tag.NONE ? null : toTensor();
  }

  /**
   * Number of items of an int list.
   *
   * @return the length
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public int intListLength() {
    return intListItems().length;
  }

  /**
   * Item {@code i} of an int list.
   *
   * @param i the index, from 0
   * @return the item's current value
   * @throws ExecuTorchException InvalidType when the slot holds another kind (or the item is not an Int)
   */
  public long intListItem(int i) {
    return intListItems()[i].toInt();
  }

  /**
   * A fresh array with the int list's current items. Allocates: prefer the item accessors in hot code.
   *
   * @return a new array
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public long[] toIntList() {
    Value[] items = intListItems();
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = items[i].toInt();
    }
    return out;
  }

  /**
   * The int list's items as ints, for sizes and dims.
   *
   * @return a new array
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   * @throws ExecuTorchException InvalidArgument when an item does not fit in 32 bits
   */
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

  /**
   * An optional int list: null when None.
   *
   * @return a new array, or null
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public int[] toOptionalIntArray() {
    return tag == Tag.NONE ? null : toIntArray();
  }

  /**
   * The int list's item slots (shared, not copied).
   *
   * @return the slots
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public Value[] intListItems() {
    if (tag != Tag.INT_LIST) {
      throw wrongTag(Tag.INT_LIST);
    }
    return (Value[]) ref;
  }

  /**
   * The double list's items (shared, not copied).
   *
   * @return the items
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public double[] toDoubleList() {
    if (tag != Tag.DOUBLE_LIST) {
      throw wrongTag(Tag.DOUBLE_LIST);
    }
    return (double[]) ref;
  }

  /**
   * The bool list's items (shared, not copied).
   *
   * @return the items
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public boolean[] toBoolList() {
    if (tag != Tag.BOOL_LIST) {
      throw wrongTag(Tag.BOOL_LIST);
    }
    return (boolean[]) ref;
  }

  /**
   * Number of items of a tensor list or optional tensor list.
   *
   * @return the length
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public int tensorListLength() {
    return tensorListSlots().length;
  }

  /**
   * Item {@code i} of a tensor list; null for a None item of an optional tensor list.
   *
   * @param i the index, from 0
   * @return the tensor (shared) or null
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public TensorImpl tensorListItem(int i) {
    Value v = tensorListSlots()[i];
    return v == null || v.isNone() ? null : v.toTensor();
  }

  /**
   * A fresh array of the tensor list's tensors (null items for None).
   *
   * @return a new array of shared tensors
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public TensorImpl[] toTensorList() {
    Value[] slots = tensorListSlots();
    TensorImpl[] out = new TensorImpl[slots.length];
    for (int i = 0; i < slots.length; i++) {
      out[i] = slots[i] == null || slots[i].isNone() ? null : slots[i].toTensor();
    }
    return out;
  }

  /**
   * The slots of a tensor list or optional tensor list (shared; null items are None).
   *
   * @return the slots
   * @throws ExecuTorchException InvalidType when the slot holds another kind
   */
  public Value[] tensorListSlots() {
    if (tag != Tag.TENSOR_LIST && tag != Tag.OPTIONAL_TENSOR_LIST) {
      throw wrongTag(Tag.TENSOR_LIST);
    }
    return (Value[]) ref;
  }

  /**
   * Makes this slot None.
   */
  public void setNone() {
    set(Tag.NONE, 0, 0, null);
  }

  /**
   * Makes this slot hold an Int.
   *
   * @param v the value
   */
  public void setInt(long v) {
    set(Tag.INT, v, 0, null);
  }

  /**
   * Makes this slot hold a Double.
   *
   * @param v the value
   */
  public void setDouble(double v) {
    set(Tag.DOUBLE, 0, v, null);
  }

  /**
   * Makes this slot hold a Bool.
   *
   * @param v the value
   */
  public void setBool(boolean v) {
    set(Tag.BOOL, v ? 1 : 0, 0, null);
  }

  /**
   * Makes this slot hold a String.
   *
   * @param v the value
   */
  public void setString(String v) {
    set(Tag.STRING, 0, 0, v);
  }

  /**
   * Makes this slot hold a tensor (shared, not copied).
   *
   * @param v the tensor
   */
  public void setTensor(TensorImpl v) {
    set(Tag.TENSOR, 0, 0, v);
  }

  /**
   * Makes this slot hold an int list of the given item slots.
   *
   * @param items the items, held as given (not copied)
   */
  public void setIntList(Value[] items) {
    set(Tag.INT_LIST, 0, 0, items);
  }

  /**
   * Makes this slot hold a double list.
   *
   * @param items the items, held as given (not copied)
   */
  public void setDoubleList(double[] items) {
    set(Tag.DOUBLE_LIST, 0, 0, items);
  }

  /**
   * Makes this slot hold a bool list.
   *
   * @param items the items, held as given (not copied)
   */
  public void setBoolList(boolean[] items) {
    set(Tag.BOOL_LIST, 0, 0, items);
  }

  /**
   * Makes this slot hold a tensor list of the given slots.
   *
   * @param items the items, held as given (not copied)
   */
  public void setTensorList(Value[] items) {
    set(Tag.TENSOR_LIST, 0, 0, items);
  }

  /**
   * Makes this slot hold an optional tensor list of the given slots (null or None items allowed).
   *
   * @param items the items, held as given (not copied)
   */
  public void setOptionalTensorList(Value[] items) {
    set(Tag.OPTIONAL_TENSOR_LIST, 0, 0, items);
  }

  /**
   * ExecuTorch's {@code MoveCall}: this slot takes the value {@code source} holds. A tensor moved
   * into a tensor slot updates the slot's own tensor in place ({@link TensorImpl#assignFrom}), so
   * that kernels bound to that tensor at load see the moved data and shape; any other value is
   * copied into the slot, where every argument array that holds the slot sees it.
   *
   * @param source the slot to move from
   */
  public void moveFrom(Value source) {
    if (tag == Tag.TENSOR && source.tag == Tag.TENSOR) {
      ((TensorImpl) ref).assignFrom((TensorImpl) source.ref);
    } else {
      copyFrom(source);
    }
  }

  /**
   * Makes this slot hold what {@code other} holds; a tensor or list is shared, not copied.
   *
   * @param other the slot to copy from
   */
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
