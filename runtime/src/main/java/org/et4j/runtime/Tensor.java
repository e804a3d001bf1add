package org.et4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor handed to or returned from a method: a dtype, a shape, and contiguous
 * little-endian data in a {@link MemorySegment}.
 *
 * <p>Who owns the memory, by factory:
 *
 * <ul>
 *   <li>{@code fromArray}, {@code fromBuffer}, {@code fromSegment}, {@code zeros}: the tensor owns
 *       a copy of the caller's data (freed by the garbage collector).
 *   <li>{@code wrap}: the caller keeps owning the array, buffer or segment; the tensor is a window
 *       on it, nothing is copied, and writes on either side are seen on the other. Keep the memory
 *       alive and unchanged while a method that was given the tensor runs; a method input that the
 *       program did not memory-plan runs on it directly, a planned one is copied once into the
 *       method's memory by {@link Method#setInput}. A wrapped tensor can receive outputs ({@link
 *       Method#output(int, Tensor)}).
 *   <li>Method outputs ({@link Method#output(int)}): <em>views</em> of the method's memory that
 *       the next execution overwrites; call {@link #copy()} to keep one.
 * </ul>
 *
 * Immutable in shape and dtype. An owned tensor's data can be read from any thread; a wrapped
 * one follows its memory's rules (a segment of a confined arena only on its thread).
 */
public final class Tensor {
  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final ScalarType dtype;
  private final long[] shape;
  private final MemorySegment data;
  private final boolean view;
  private final boolean wrapped;

  private Tensor(ScalarType dtype, long[] shape, MemorySegment data, boolean view) {
    this(dtype, shape, data, view, false);
  }

  private Tensor(ScalarType dtype, long[] shape, MemorySegment data, boolean view, boolean wrapped) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
    this.view = view;
    this.wrapped = wrapped;
  }

  private static long numelOf(long[] shape) {
    long n = 1;
    for (long s : shape) {
      if (s < 0) {
        throw new IllegalArgumentException("negative size in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, s);
    }
    return n;
  }

  private static Tensor allocate(ScalarType dtype, long[] shape) {
    Objects.requireNonNull(dtype, "dtype");
    long[] s = Objects.requireNonNull(shape, "shape").clone();
    long bytes = Math.multiplyExact(numelOf(s), (long) dtype.elementSize());
    return new Tensor(dtype, s, Arena.ofAuto().allocate(Math.max(bytes, 1), 64).asSlice(0, bytes), false);
  }

  private static void checkLength(long length, long[] shape) {
    if (length != numelOf(shape)) {
      throw new IllegalArgumentException(
          "data has " + length + " elements but shape " + Arrays.toString(shape) + " needs " + numelOf(shape));
    }
  }

  /**
   * A float32 tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(float[] data, long... shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(ScalarType.FLOAT, shape);
    MemorySegment.copy(data, 0, t.data, F32, 0, data.length);
    return t;
  }

  /**
   * A float64 tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(double[] data, long... shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(ScalarType.DOUBLE, shape);
    MemorySegment.copy(data, 0, t.data, F64, 0, data.length);
    return t;
  }

  /**
   * An int32 tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(int[] data, long... shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(ScalarType.INT, shape);
    MemorySegment.copy(data, 0, t.data, I32, 0, data.length);
    return t;
  }

  /**
   * An int64 tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(long[] data, long... shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(ScalarType.LONG, shape);
    MemorySegment.copy(data, 0, t.data, I64, 0, data.length);
    return t;
  }

  /**
   * An int8 tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(byte[] data, long... shape) {
    return fromBytes(ScalarType.CHAR, data, shape);
  }

  /**
   * A uint8 tensor holding a copy of {@code data} (bytes read as 0..255).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromUnsignedArray(byte[] data, long... shape) {
    return fromBytes(ScalarType.BYTE, data, shape);
  }

  /**
   * A bool tensor holding a copy of {@code data}.
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor fromArray(boolean[] data, long... shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(ScalarType.BOOL, shape);
    for (int i = 0; i < data.length; i++) {
      t.data.set(ValueLayout.JAVA_BYTE, i, (byte) (data[i] ? 1 : 0));
    }
    return t;
  }

  /**
   * A 16-bit tensor (float16, bfloat16, int16 or uint16) whose elements are the raw bits in
   * {@code bits}.
   *
   * @param dtype float16, bfloat16, int16 or uint16
   * @param bits the elements' raw bits, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when {@code dtype} is not a 16-bit type, or the shape does not match
   */
  public static Tensor fromBits(ScalarType dtype, short[] bits, long... shape) {
    if (dtype.elementSize() != 2) {
      throw new IllegalArgumentException(dtype + " is not a 16-bit type");
    }
    checkLength(bits.length, shape);
    Tensor t = allocate(dtype, shape);
    MemorySegment.copy(bits, 0, t.data, I16, 0, bits.length);
    return t;
  }

  private static Tensor fromBytes(ScalarType dtype, byte[] data, long[] shape) {
    checkLength(data.length, shape);
    Tensor t = allocate(dtype, shape);
    MemorySegment.copy(data, 0, t.data, ValueLayout.JAVA_BYTE, 0, data.length);
    return t;
  }

  /**
   * A tensor holding a copy of the remaining elements of an NIO buffer: {@link FloatBuffer}
   * (float32), {@link DoubleBuffer}, {@link IntBuffer}, {@link LongBuffer}, {@link ShortBuffer}
   * (int16) or {@link ByteBuffer} (int8). The buffer's position is not changed.
   *
   * @param buffer the elements, from its position to its limit, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the buffer type is not one of those, or the shape does not match
   */
  public static Tensor fromBuffer(Buffer buffer, long... shape) {
    Objects.requireNonNull(buffer, "buffer");
    ScalarType dtype =
        switch (buffer) {
          case FloatBuffer b -> ScalarType.FLOAT;
          case DoubleBuffer b -> ScalarType.DOUBLE;
          case IntBuffer b -> ScalarType.INT;
          case LongBuffer b -> ScalarType.LONG;
          case ShortBuffer b -> ScalarType.SHORT;
          case ByteBuffer b -> ScalarType.CHAR;
          default -> throw new IllegalArgumentException("unsupported buffer type " + buffer.getClass().getName());
        };
    checkLength(buffer.remaining(), shape);
    Tensor t = allocate(dtype, shape);
    long i = 0;
    switch (buffer) {
      case FloatBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.setAtIndex(F32, i++, b.get(p)); }
      case DoubleBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.setAtIndex(F64, i++, b.get(p)); }
      case IntBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.setAtIndex(I32, i++, b.get(p)); }
      case LongBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.setAtIndex(I64, i++, b.get(p)); }
      case ShortBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.setAtIndex(I16, i++, b.get(p)); }
      case ByteBuffer b -> { for (int p = b.position(); p < b.limit(); p++) t.data.set(ValueLayout.JAVA_BYTE, i++, b.get(p)); }
      default -> throw new IllegalArgumentException("unsupported buffer type");
    }
    return t;
  }

  /**
   * A tensor holding a copy of {@code bytes}, interpreted as little-endian elements of {@code dtype}.
   *
   * @param dtype the element type
   * @param bytes the elements, little-endian and row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor that owns its copy
   * @throws IllegalArgumentException when the segment's size does not match the shape
   */
  public static Tensor fromSegment(ScalarType dtype, MemorySegment bytes, long... shape) {
    Tensor t = allocate(dtype, shape);
    if (bytes.byteSize() != t.data.byteSize()) {
      throw new IllegalArgumentException(
          "data has " + bytes.byteSize() + " bytes but " + dtype.displayName() + Arrays.toString(shape) + " needs " + t.data.byteSize());
    }
    t.data.copyFrom(bytes);
    return t;
  }

  /**
   * A zero-filled tensor.
   *
   * @param dtype the element type
   * @param shape the size of each dimension
   * @return a tensor that owns its zeroed memory
   * @throws IllegalArgumentException when a size is negative
   */
  public static Tensor zeros(ScalarType dtype, long... shape) {
    return allocate(dtype, shape);
  }

  /**
   * Wraps the caller's memory, not copied: {@code bytes} holds exactly the tensor's elements,
   * little-endian, row-major. The caller owns the segment (see the class comment); a read-only
   * segment makes a tensor that can be an input but cannot receive outputs.
   *
   * @throws IllegalArgumentException when the segment's size does not match the shape
   * @param dtype the element type
   * @param bytes the elements, little-endian and row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   */
  public static Tensor wrap(ScalarType dtype, MemorySegment bytes, long... shape) {
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(bytes, "bytes");
    long[] s = Objects.requireNonNull(shape, "shape").clone();
    long needed = Math.multiplyExact(numelOf(s), (long) dtype.elementSize());
    if (bytes.byteSize() != needed) {
      throw new IllegalArgumentException(
          "data has " + bytes.byteSize() + " bytes but " + dtype.displayName() + Arrays.toString(s) + " needs " + needed);
    }
    return new Tensor(dtype, s, bytes, false, true);
  }

  /**
   * Wraps the remaining bytes of a buffer (direct or heap), not copied, as little-endian elements
   * of {@code dtype} whatever the buffer's own byte order; the buffer's position is not changed.
   * The caller owns the buffer (see the class comment).
   *
   * @param dtype the element type
   * @param buffer the elements, from its position to its limit
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the remaining bytes do not match the shape
   */
  public static Tensor wrap(ScalarType dtype, ByteBuffer buffer, long... shape) {
    return wrap(dtype, MemorySegment.ofBuffer(Objects.requireNonNull(buffer, "buffer")), shape);
  }

  /**
   * Wraps the remaining elements of a {@link FloatBuffer} (float32), {@link DoubleBuffer}, {@link
   * IntBuffer}, {@link LongBuffer} or {@link ShortBuffer} (int16), direct or heap, not copied. A
   * direct buffer must be little-endian (a view of a little-endian {@code ByteBuffer}); a heap
   * buffer is in the platform's order, which must be little-endian.
   *
   * @param buffer the elements, from its position to its limit
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the buffer type is not supported, a direct buffer is big-endian, or the shape does not match
   */
  public static Tensor wrap(Buffer buffer, long... shape) {
    Objects.requireNonNull(buffer, "buffer");
    ScalarType dtype =
        switch (buffer) {
          case FloatBuffer b -> ScalarType.FLOAT;
          case DoubleBuffer b -> ScalarType.DOUBLE;
          case IntBuffer b -> ScalarType.INT;
          case LongBuffer b -> ScalarType.LONG;
          case ShortBuffer b -> ScalarType.SHORT;
          case ByteBuffer b -> throw new IllegalArgumentException(
              "a ByteBuffer has no element type: use wrap(ScalarType, ByteBuffer, shape)");
          default -> throw new IllegalArgumentException("unsupported buffer type " + buffer.getClass().getName());
        };
    ByteOrder order =
        switch (buffer) {
          case FloatBuffer b -> b.order();
          case DoubleBuffer b -> b.order();
          case IntBuffer b -> b.order();
          case LongBuffer b -> b.order();
          case ShortBuffer b -> b.order();
          default -> ByteOrder.LITTLE_ENDIAN;
        };
    if (order != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalArgumentException(
          "buffer is " + order + "; et4j tensors are little-endian: wrap a little-endian buffer or copy with fromBuffer");
    }
    return wrap(dtype, MemorySegment.ofBuffer(buffer), shape);
  }

  /**
   * Wraps a float array as float32, not copied: the caller owns it (see the class comment).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor wrap(float[] data, long... shape) {
    requireLittleEndianPlatform();
    return wrap(ScalarType.FLOAT, MemorySegment.ofArray(Objects.requireNonNull(data, "data")), shape);
  }

  /**
   * Wraps a double array as float64, not copied: the caller owns it (see the class comment).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor wrap(double[] data, long... shape) {
    requireLittleEndianPlatform();
    return wrap(ScalarType.DOUBLE, MemorySegment.ofArray(Objects.requireNonNull(data, "data")), shape);
  }

  /**
   * Wraps an int array as int32, not copied: the caller owns it (see the class comment).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor wrap(int[] data, long... shape) {
    requireLittleEndianPlatform();
    return wrap(ScalarType.INT, MemorySegment.ofArray(Objects.requireNonNull(data, "data")), shape);
  }

  /**
   * Wraps a long array as int64, not copied: the caller owns it (see the class comment).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor wrap(long[] data, long... shape) {
    requireLittleEndianPlatform();
    return wrap(ScalarType.LONG, MemorySegment.ofArray(Objects.requireNonNull(data, "data")), shape);
  }

  /**
   * Wraps a byte array as int8, not copied: the caller owns it (see the class comment).
   *
   * @param data the elements, row-major
   * @param shape the size of each dimension; their product must be the number of elements
   * @return a tensor over the caller's memory (see the class comment)
   * @throws IllegalArgumentException when the shape is negative or does not match the data's length
   */
  public static Tensor wrap(byte[] data, long... shape) {
    return wrap(ScalarType.CHAR, MemorySegment.ofArray(Objects.requireNonNull(data, "data")), shape);
  }

  /** Java arrays hold elements in the platform's order; et4j's tensors are little-endian. */
  private static void requireLittleEndianPlatform() {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException(
          "wrapping a Java array needs a little-endian platform; use fromArray, which copies");
    }
  }

  /** A view of memory owned by someone else (method outputs). Not copied. */
  static Tensor view(ScalarType dtype, long[] shape, MemorySegment data) {
    return new Tensor(dtype, shape, data, true);
  }

  /**
   * The element type.
   *
   * @return the element type
   */
  public ScalarType dtype() {
    return dtype;
  }

  /**
   * A copy of the shape.
   *
   * @return a new array, one size per dimension
   */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Size of dimension {@code d}, without copying the shape.
   *
   * @param d the dimension, from 0
   * @return its size
   */
  public long shapeAt(int d) {
    return shape[d];
  }

  /**
   * The rank.
   *
   * @return the number of dimensions, 0 for a scalar
   */
  public int dim() {
    return shape.length;
  }

  /** Size of dimension {@code d}, without copying the shape (for {@link Method#setInput}). */
  long sizeAt(int d) {
    return shape[d];
  }

  /**
   * The number of elements.
   *
   * @return the product of the sizes (1 for a scalar)
   */
  public long numel() {
    return numelOf(shape);
  }

  /**
   * True when this tensor is a view of a method's memory (overwritten by its next execution).
   *
   * @return whether this is a method output's view
   */
  public boolean isView() {
    return view;
  }

  /**
   * True when this tensor wraps the caller's memory ({@code wrap}): nothing was copied.
   *
   * @return whether the tensor came from {@code wrap}
   */
  public boolean isWrapped() {
    return wrapped;
  }

  /** The memory itself, writable for wrapped tensors: what {@link Method#output(int, Tensor)} fills. */
  MemorySegment storage() {
    return data;
  }

  /**
   * The elements as little-endian bytes; read-only. A view for outputs, so copy what you keep.
   *
   * @return a read-only segment of {@code numel() * dtype().elementSize()} bytes
   */
  public MemorySegment data() {
    return data.asReadOnly();
  }

  /**
   * The elements without a read-only wrapper, for {@link Method#setInput} to copy from without
   * allocating a view per call; never written through.
   */
  MemorySegment segment() {
    return data;
  }

  /**
   * An owned copy (of a view or of an owned tensor).
   *
   * @return a new tensor that owns a copy of the elements
   */
  public Tensor copy() {
    Tensor t = allocate(dtype, shape);
    t.data.copyFrom(data);
    return t;
  }

  private void requireDtype(ScalarType... allowed) {
    for (ScalarType a : allowed) {
      if (a == dtype) {
        return;
      }
    }
    throw new IllegalStateException("tensor is " + dtype.displayName() + ", not " + Arrays.toString(allowed));
  }

  private int checkedNumel() {
    long n = numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException(n + " elements do not fit a Java array");
    }
    return (int) n;
  }

  /**
   * A copy of a float32 tensor's elements.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not float32, or too large for a Java array
   */
  public float[] toFloatArray() {
    requireDtype(ScalarType.FLOAT);
    return data.toArray(F32);
  }

  /**
   * A copy of a float64 tensor's elements.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not float64, or too large for a Java array
   */
  public double[] toDoubleArray() {
    requireDtype(ScalarType.DOUBLE);
    return data.toArray(F64);
  }

  /**
   * A copy of an int32 tensor's elements.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not int32, or too large for a Java array
   */
  public int[] toIntArray() {
    requireDtype(ScalarType.INT);
    return data.toArray(I32);
  }

  /**
   * A copy of an int64 tensor's elements.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not int64, or too large for a Java array
   */
  public long[] toLongArray() {
    requireDtype(ScalarType.LONG);
    return data.toArray(I64);
  }

  /**
   * A copy of an int8 / uint8 / bool tensor's bytes.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not int8, uint8 or bool, or too large for a Java array
   */
  public byte[] toByteArray() {
    requireDtype(ScalarType.CHAR, ScalarType.BYTE, ScalarType.BOOL);
    return data.toArray(ValueLayout.JAVA_BYTE);
  }

  /**
   * A copy of a bool tensor's elements.
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not bool, or too large for a Java array
   */
  public boolean[] toBooleanArray() {
    requireDtype(ScalarType.BOOL);
    boolean[] out = new boolean[checkedNumel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(ValueLayout.JAVA_BYTE, i) != 0;
    }
    return out;
  }

  /**
   * A copy of a 16-bit tensor's raw bits (float16, bfloat16, int16, uint16).
   *
   * @return a new array, row-major
   * @throws IllegalStateException when the tensor is not 16-bit, or too large for a Java array
   */
  public short[] toShortBits() {
    if (dtype.elementSize() != 2) {
      throw new IllegalStateException("tensor is " + dtype.displayName() + ", not a 16-bit type");
    }
    return data.toArray(I16);
  }

  /**
   * Every element converted to double, whatever the dtype (float16 and bfloat16 decoded; integers
   * exact up to 2^53). Convenient for printing and comparing.
   *
   * @return a new array, row-major
   * @throws IllegalStateException for a dtype that has no double value (quantized, float8), or when too large for a Java array
   */
  public double[] toDoubles() {
    double[] out = new double[checkedNumel()];
    for (int i = 0; i < out.length; i++) {
      out[i] = elementAsDouble(i);
    }
    return out;
  }

  /**
   * Element {@code i} (row-major) as a double.
   *
   * @param i the element's index in row-major order, from 0
   * @return its value
   * @throws IllegalStateException for a dtype that has no double value
   */
  public double elementAsDouble(long i) {
    return switch (dtype) {
      case FLOAT -> data.getAtIndex(F32, i);
      case DOUBLE -> data.getAtIndex(F64, i);
      case HALF -> Float.float16ToFloat(data.getAtIndex(I16, i));
      case BFLOAT16 -> Float.intBitsToFloat((data.getAtIndex(I16, i) & 0xFFFF) << 16);
      case BYTE -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
      case CHAR -> data.get(ValueLayout.JAVA_BYTE, i);
      case BOOL -> data.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0;
      case SHORT -> data.getAtIndex(I16, i);
      case UINT16 -> data.getAtIndex(I16, i) & 0xFFFF;
      case INT -> data.getAtIndex(I32, i);
      case UINT32 -> data.getAtIndex(I32, i) & 0xFFFFFFFFL;
      case LONG, UINT64 -> (double) data.getAtIndex(I64, i);
      default -> throw new IllegalStateException("cannot convert " + dtype.displayName() + " elements to double");
    };
  }

  /**
   * {@code float32[1, 10]}.
   *
   * @return the dtype and shape, for messages
   */
  public String describe() {
    return dtype.displayName() + Arrays.toString(shape);
  }

  @Override
  public String toString() {
    return "Tensor(" + describe() + (view ? ", view" : wrapped ? ", wrapped" : "") + ")";
  }
}
