package org.et4j.djl;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.index.dim.NDIndexAll;
import ai.djl.ndarray.index.dim.NDIndexElement;
import ai.djl.ndarray.index.dim.NDIndexFixed;
import ai.djl.ndarray.index.dim.NDIndexSlice;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.foreign.MemorySegment;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.Tensor;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * A DJL {@link NDArray} whose elements live in et4j's memory: one {@link MemorySegment} of
 * contiguous little-endian elements, the layout et4j's {@link Tensor} and kernels use, so a model
 * input is handed to a method without a copy ({@link #toTensor()}) and every computation below is
 * one call of et4j's registered kernel for it ({@link EagerKernels}).
 *
 * <p>What it computes, and how:
 *
 * <ul>
 *   <li>{@code add}, {@code sub}, {@code mul}, {@code div} with an array (broadcast) or a scalar,
 *       and their in-place forms {@code addi} ... {@code divi}: {@code aten::add.out}, {@code
 *       aten::add.Scalar_out} and the like. Dtypes promote as in PyTorch; {@code div} of integers
 *       is true division (float32).
 *   <li>{@code softmax}, {@code logSoftmax}: {@code aten::_softmax.out}, {@code
 *       aten::_log_softmax.out} (floating-point arrays).
 *   <li>{@code argMax()} (flattened, a 0-d int64) and {@code argMax(axis)}: {@code
 *       aten::argmax.out}.
 *   <li>{@code exp}, {@code neg}, {@code transpose}, {@code toType}: {@code aten::exp.out}, {@code
 *       aten::neg.out}, {@code aten::permute_copy.out}, {@code aten::_to_copy.out}.
 *   <li>{@code get} of one contiguous block (integer indices, a unit-step slice), {@code reshape},
 *       {@code flatten}, {@code squeeze}, {@code expandDims} and {@code split} along axis 0 only
 *       relabel or slice contiguous memory: the result is a view sharing this array's memory (as
 *       PyTorch's on a contiguous tensor), nothing is computed. {@code split} along another axis
 *       copies with {@code aten::slice_copy.Tensor_out}.
 *   <li>{@code stack} and {@code concat} (what DJL's {@code StackBatchifier} calls, through {@link
 *       #getNDArrayInternal()}): {@code aten::stack.out}, {@code aten::cat.out}.
 * </ul>
 *
 * Every other operation throws an {@link UnsupportedOperationException} that names the method.
 * There is no alternative engine to forward it to: et4j is the pure-Java engine.
 *
 * <p>Memory comes from an automatic arena: {@link #close()} detaches the array from its manager and
 * the garbage collector frees the memory once no view or tensor refers to it, so a closed array's
 * views stay valid. Not thread-safe, as DJL's arrays are not.
 */
public final class Et4jNDArray extends UnsupportedNDArrayOperations {
  private final ScalarType scalarType;
  private MemorySegment data;

  Et4jNDArray(Et4jNDManager manager, ScalarType scalarType, Shape shape, MemorySegment data) {
    super(manager, null, shape, DataTypes.toDataType(scalarType), NDManager.nextUid());
    long expected = Math.multiplyExact(shape.size(), (long) scalarType.elementSize());
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException(
          "shape "
              + shape
              + " of "
              + scalarType.displayName()
              + " needs "
              + expected
              + " bytes, the memory has "
              + data.byteSize());
    }
    this.scalarType = scalarType;
    this.data = data;
    manager.attachInternal(uid, this);
  }

  /**
   * The elements as an et4j tensor over this array's memory (not copied): what a method takes as an
   * input. Writes through the tensor are seen by the array.
   *
   * @return a tensor wrapping this array's memory
   * @throws IllegalStateException when the array is closed
   */
  public Tensor toTensor() {
    checkOpen();
    return Tensor.wrap(scalarType, data, shape.getShape());
  }

  /**
   * The et4j element type.
   *
   * @return the dtype of {@link #toTensor()}
   */
  public ScalarType scalarType() {
    return scalarType;
  }

  /** The array as the kernel SPI sees a tensor: contiguous, static, over this array's memory. */
  TensorImpl kernelTensor() {
    checkOpen();
    return TensorImpl.contiguous(scalarType, intSizes(shape), data);
  }

  MemorySegment memory() {
    checkOpen();
    return data;
  }

  private void checkOpen() {
    if (isClosed) {
      throw new IllegalStateException("NDArray " + uid + " is closed");
    }
  }

  /**
   * Where results go: this array's manager, or et4j's system manager when DJL attached the array to
   * another engine's manager (results then live until the garbage collector frees them).
   */
  Et4jNDManager resultManager() {
    return manager instanceof Et4jNDManager m ? m : Et4jNDManager.getSystemManager();
  }

  static int[] intSizes(Shape shape) {
    long[] dims = shape.getShape().clone();
    int[] sizes = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      sizes[i] = Math.toIntExact(dims[i]);
    }
    return sizes;
  }

  // ---- memory and identity

  @Override
  public ByteBuffer toByteBuffer(boolean tryDirect) {
    checkOpen();
    // A read-only view of et4j's memory: the NDArray's toXxxArray defaults copy from it.
    return data.asByteBuffer().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void intern(NDArray replaced) {
    checkOpen();
    Et4jNDArray other = (Et4jNDArray) resultManager().from(replaced);
    if (other.scalarType != scalarType || other.data.byteSize() != data.byteSize()) {
      throw new IllegalArgumentException(
          "cannot intern "
              + other.getShape()
              + " "
              + other.getDataType()
              + " into "
              + shape
              + " "
              + dataType);
    }
    this.data = other.data;
    replaced.close();
    if (other != replaced) {
      other.close();
    }
  }

  @Override
  public void set(Buffer buffer) {
    checkOpen();
    // Into this array's own memory, so views that share it see the new values.
    int size = Math.toIntExact(shape.size());
    BaseNDManager.validateBuffer(buffer, dataType, size);
    BaseNDManager.copyBuffer(
        buffer.duplicate(), data.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
  }

  @Override
  public void detach() {
    manager.detachInternal(getUid());
    manager = Et4jNDManager.getSystemManager();
  }

  @Override
  public NDArray toType(DataType type, boolean copy) {
    if (type.equals(dataType)) {
      return copy ? duplicate() : this;
    }
    Et4jNDArray out = resultManager().allocate(DataTypes.toScalarType(type), shape);
    // aten::_to_copy.out(self, *, non_blocking=False, memory_format=None, out)
    EagerKernels.callOut(
        "aten::_to_copy.out",
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        Value.ofBool(false),
        new Value());
    out.setName(getName());
    return out;
  }

  @Override
  public NDArrayEx getNDArrayInternal() {
    return new Et4jNDArrayEx(this);
  }

  // ---- arithmetic

  @Override
  public NDArray add(Number n) {
    return scalarOp("aten::add.Scalar_out", n, true, false, null);
  }

  @Override
  public NDArray add(NDArray other) {
    return tensorOp("aten::add.out", other, true, false, null);
  }

  @Override
  public NDArray sub(Number n) {
    return scalarOp("aten::sub.Scalar_out", n, true, false, null);
  }

  @Override
  public NDArray sub(NDArray other) {
    return tensorOp("aten::sub.out", other, true, false, null);
  }

  @Override
  public NDArray mul(Number n) {
    return scalarOp("aten::mul.Scalar_out", n, false, false, null);
  }

  @Override
  public NDArray mul(NDArray other) {
    return tensorOp("aten::mul.out", other, false, false, null);
  }

  @Override
  public NDArray div(Number n) {
    return scalarOp("aten::div.Scalar_out", n, false, true, null);
  }

  @Override
  public NDArray div(NDArray other) {
    return tensorOp("aten::div.out", other, false, true, null);
  }

  @Override
  public NDArray addi(Number n) {
    return scalarOp("aten::add.Scalar_out", n, true, false, this);
  }

  @Override
  public NDArray addi(NDArray other) {
    return tensorOp("aten::add.out", other, true, false, this);
  }

  @Override
  public NDArray subi(Number n) {
    return scalarOp("aten::sub.Scalar_out", n, true, false, this);
  }

  @Override
  public NDArray subi(NDArray other) {
    return tensorOp("aten::sub.out", other, true, false, this);
  }

  @Override
  public NDArray muli(Number n) {
    return scalarOp("aten::mul.Scalar_out", n, false, false, this);
  }

  @Override
  public NDArray muli(NDArray other) {
    return tensorOp("aten::mul.out", other, false, false, this);
  }

  @Override
  public NDArray divi(Number n) {
    return scalarOp("aten::div.Scalar_out", n, false, true, this);
  }

  @Override
  public NDArray divi(NDArray other) {
    return tensorOp("aten::div.out", other, false, true, this);
  }

  /**
   * {@code self op other} into a new array, or into {@code inPlace} (this array).
   *
   * @param hasAlpha whether the schema has {@code alpha} after {@code other} (add, sub)
   * @param trueDivision whether integer inputs give a float32 result (div)
   */
  private NDArray tensorOp(
      String op, NDArray other, boolean hasAlpha, boolean trueDivision, Et4jNDArray inPlace) {
    Et4jNDArray b = resultManager().from(other);
    ScalarType result = Promotion.promote(scalarType, b.scalarType);
    if (trueDivision && !result.isFloatingPoint()) {
      result = ScalarType.FLOAT;
    }
    Shape outShape = Promotion.broadcast(shape, b.shape);
    Et4jNDArray out =
        inPlace == null
            ? resultManager().allocate(result, outShape)
            : checkInPlace(op, result, outShape);
    Value self = Value.ofTensor(kernelTensor());
    Value second = Value.ofTensor(b.kernelTensor());
    if (hasAlpha) {
      EagerKernels.callOut(op, out.kernelTensor(), self, second, Value.ofInt(1));
    } else {
      EagerKernels.callOut(op, out.kernelTensor(), self, second);
    }
    return out;
  }

  private NDArray scalarOp(
      String op, Number n, boolean hasAlpha, boolean trueDivision, Et4jNDArray inPlace) {
    Value scalar = Promotion.scalarValue(n);
    ScalarType result = Promotion.promoteWithScalar(scalarType, scalar);
    if (trueDivision && !result.isFloatingPoint()) {
      result = ScalarType.FLOAT;
    }
    Et4jNDArray out =
        inPlace == null ? resultManager().allocate(result, shape) : checkInPlace(op, result, shape);
    Value self = Value.ofTensor(kernelTensor());
    if (hasAlpha) {
      EagerKernels.callOut(op, out.kernelTensor(), self, scalar, Value.ofInt(1));
    } else {
      EagerKernels.callOut(op, out.kernelTensor(), self, scalar);
    }
    return out;
  }

  private Et4jNDArray checkInPlace(String op, ScalarType result, Shape outShape) {
    if (result != scalarType) {
      throw new IllegalArgumentException(
          op
              + " in place would change "
              + dataType
              + " to "
              + DataTypes.toDataType(result)
              + "; use the form that returns a new array");
    }
    if (!outShape.equals(shape)) {
      throw new IllegalArgumentException(
          op
              + " in place would broadcast "
              + shape
              + " to "
              + outShape
              + "; use the form that returns a new array");
    }
    return this;
  }

  // ---- reductions and activations

  @Override
  public NDArray softmax(int axis) {
    return softmaxLike("aten::_softmax.out", axis);
  }

  @Override
  public NDArray logSoftmax(int axis) {
    return softmaxLike("aten::_log_softmax.out", axis);
  }

  private NDArray softmaxLike(String op, int axis) {
    int dim = normalizedAxis(axis, shape.dimension(), op);
    Et4jNDArray out = resultManager().allocate(scalarType, shape);
    // _softmax.out(self, int dim, bool half_to_float, *, out)
    EagerKernels.callOut(
        op,
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        Value.ofInt(dim),
        Value.ofBool(false));
    return out;
  }

  @Override
  public NDArray argMax() {
    if (isEmpty()) {
      throw new IllegalArgumentException("argMax of an empty array " + shape);
    }
    Et4jNDArray out = resultManager().allocate(ScalarType.LONG, new Shape());
    // argmax.out(self, int? dim=None, bool keepdim=False, *, out)
    EagerKernels.callOut(
        "aten::argmax.out",
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        new Value(),
        Value.ofBool(false));
    return out;
  }

  @Override
  public NDArray argMax(int axis) {
    int dim = normalizedAxis(axis, shape.dimension(), "argMax");
    if (shape.get(dim) == 0) {
      throw new IllegalArgumentException("argMax along axis " + axis + " of size 0 in " + shape);
    }
    long[] dims = shape.getShape().clone();
    long[] kept = new long[dims.length - 1];
    for (int i = 0, j = 0; i < dims.length; i++) {
      if (i != dim) {
        kept[j++] = dims[i];
      }
    }
    Et4jNDArray out = resultManager().allocate(ScalarType.LONG, new Shape(kept));
    EagerKernels.callOut(
        "aten::argmax.out",
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        Value.ofInt(dim),
        Value.ofBool(false));
    return out;
  }

  @Override
  public NDArray exp() {
    Et4jNDArray out =
        resultManager()
            .allocate(scalarType.isFloatingPoint() ? scalarType : ScalarType.FLOAT, shape);
    EagerKernels.callOut("aten::exp.out", out.kernelTensor(), Value.ofTensor(kernelTensor()));
    return out;
  }

  @Override
  public NDArray neg() {
    Et4jNDArray out = resultManager().allocate(scalarType, shape);
    EagerKernels.callOut("aten::neg.out", out.kernelTensor(), Value.ofTensor(kernelTensor()));
    return out;
  }

  // ---- shape: views of the same memory, or one copy kernel

  /**
   * The indexing that selects one contiguous block of memory, as a view of it: integer indices into
   * the leading axes ({@code get(1)}, {@code get(0, 2)}, and the empty index the scalar getters
   * such as {@code getLong()} use), then at most one slice with step 1 ({@code get("1:3")}, {@code
   * get("0, :2")}), then whole axes ({@code ":"}). Other indexing (steps, masks, picks, ellipses, a
   * slice after a whole axis) is refused by name.
   *
   * @param index fixed indices, a unit-step slice and whole axes, in that order
   * @return a view of the indexed block
   */
  @Override
  public NDArray get(NDIndex index) {
    checkOpen();
    long[] dims = shape.getShape();
    if (index.getEllipsisIndex() != -1 || index.getRank() > dims.length) {
      throw Unsupported.operation(
          "NDArray.get(NDIndex) with the index " + describe(index) + " on " + shape);
    }
    // The fixed indices pick one sub-array (offsetRows is its index among all of that shape); the
    // block is rows [first, first + count) of that sub-array's first axis.
    long offsetRows = 0;
    int axis = 0;
    List<NDIndexElement> elements = index.getIndices();
    int e = 0;
    for (; e < elements.size() && elements.get(e) instanceof NDIndexFixed f; e++, axis++) {
      long i = f.getIndex() < 0 ? f.getIndex() + dims[axis] : f.getIndex();
      if (i < 0 || i >= dims[axis]) {
        throw new IllegalArgumentException(
            "index " + f.getIndex() + " is out of range for axis " + axis + " of " + shape);
      }
      offsetRows = offsetRows * dims[axis] + i;
    }
    int fixedAxes = axis;
    long first = 0;
    long count = axis < dims.length ? dims[axis] : 1;
    if (e < elements.size() && elements.get(e) instanceof NDIndexSlice slice) {
      if (slice.getStep() != null && slice.getStep() != 1) {
        throw Unsupported.operation("NDArray.get(NDIndex) with a step (" + describe(index) + ")");
      }
      long size = dims[axis];
      first = clampSliceBound(slice.getMin(), 0, size);
      long last = clampSliceBound(slice.getMax(), size, size);
      count = Math.max(0, last - first);
      e++;
    }
    for (; e < elements.size(); e++) {
      if (!(elements.get(e) instanceof NDIndexAll)) {
        throw Unsupported.operation(
            "NDArray.get(NDIndex) with the index "
                + describe(index)
                + " (integer indices, one unit-step slice, then ':' only)");
      }
    }
    long[] outDims;
    long rowElements = 1;
    if (fixedAxes < dims.length) {
      outDims = Arrays.copyOfRange(dims, fixedAxes, dims.length);
      outDims[0] = count;
      for (int d = fixedAxes + 1; d < dims.length; d++) {
        rowElements *= dims[d];
      }
    } else {
      outDims = new long[0];
    }
    long rowsPerPrefix = fixedAxes < dims.length ? dims[fixedAxes] : 1;
    long startElement = (offsetRows * rowsPerPrefix + first) * rowElements;
    long blockElements = (fixedAxes < dims.length ? count : 1) * rowElements;
    long elementBytes = scalarType.elementSize();
    Et4jNDArray view =
        new Et4jNDArray(
            resultManager(),
            scalarType,
            new Shape(outDims),
            data.asSlice(startElement * elementBytes, blockElements * elementBytes));
    view.setName(getName());
    return view;
  }

  /**
   * A slice bound as Python takes it: null is the default, negative counts from the end, then
   * clamped.
   */
  private static long clampSliceBound(Long bound, long whenNull, long size) {
    if (bound == null) {
      return whenNull;
    }
    long b = bound < 0 ? bound + size : bound;
    return Math.min(Math.max(b, 0), size);
  }

  private static String describe(NDIndexElement e) {
    if (e instanceof NDIndexFixed f) {
      return Long.toString(f.getIndex());
    }
    if (e instanceof NDIndexSlice slice) {
      return (slice.getMin() == null ? "" : slice.getMin())
          + ":"
          + (slice.getMax() == null ? "" : slice.getMax())
          + (slice.getStep() == null ? "" : ":" + slice.getStep());
    }
    return e instanceof NDIndexAll ? ":" : e.getClass().getSimpleName();
  }

  private static String describe(NDIndex index) {
    StringBuilder sb = new StringBuilder("[");
    for (NDIndexElement e : index.getIndices()) {
      sb.append(sb.length() > 1 ? ", " : "").append(describe(e));
    }
    return sb.append(']').toString();
  }

  @Override
  public NDArray reshape(Shape newShape) {
    return view(inferShape(newShape));
  }

  private Shape inferShape(Shape requested) {
    long[] dims = requested.getShape();
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "cannot reshape " + shape + " to " + requested + ": bad size " + dims[i]);
      } else {
        known = Math.multiplyExact(known, dims[i]);
      }
    }
    long size = shape.size();
    if (unknown >= 0) {
      if (known == 0 || size % known != 0) {
        throw new IllegalArgumentException("cannot reshape " + shape + " to " + requested);
      }
      dims = dims.clone();
      dims[unknown] = size / known;
    } else if (known != size) {
      throw new IllegalArgumentException(
          "cannot reshape "
              + shape
              + " ("
              + size
              + " elements) to "
              + requested
              + " ("
              + known
              + " elements)");
    }
    return new Shape(dims);
  }

  private Et4jNDArray view(Shape newShape) {
    checkOpen();
    Et4jNDArray view = new Et4jNDArray(resultManager(), scalarType, newShape, data);
    view.setName(getName());
    return view;
  }

  @Override
  public NDArray flatten() {
    return view(new Shape(shape.size()));
  }

  @Override
  public NDArray flatten(int startDim, int endDim) {
    int rank = shape.dimension();
    int start = normalizedAxis(startDim, rank, "flatten");
    int end = normalizedAxis(endDim, rank, "flatten");
    if (start > end) {
      throw new IllegalArgumentException(
          "flatten: startDim " + startDim + " is after endDim " + endDim + " in " + shape);
    }
    long[] dims = shape.getShape().clone();
    long[] merged = new long[rank - (end - start)];
    int j = 0;
    for (int i = 0; i < start; i++) {
      merged[j++] = dims[i];
    }
    long product = 1;
    for (int i = start; i <= end; i++) {
      product *= dims[i];
    }
    merged[j++] = product;
    for (int i = end + 1; i < rank; i++) {
      merged[j++] = dims[i];
    }
    return view(new Shape(merged));
  }

  @Override
  public NDArray squeeze(int[] axes) {
    int rank = shape.dimension();
    boolean[] drop = new boolean[rank];
    for (int axis : axes) {
      int d = normalizedAxis(axis, rank, "squeeze");
      if (shape.get(d) != 1) {
        throw new IllegalArgumentException(
            "squeeze: axis " + axis + " of " + shape + " has size " + shape.get(d) + ", not 1");
      }
      drop[d] = true;
    }
    long[] kept = new long[rank];
    int n = 0;
    for (int i = 0; i < rank; i++) {
      if (!drop[i]) {
        kept[n++] = shape.get(i);
      }
    }
    return view(new Shape(Arrays.copyOf(kept, n)));
  }

  @Override
  public NDArray expandDims(int axis) {
    int rank = shape.dimension();
    int d = normalizedAxis(axis, rank + 1, "expandDims");
    long[] dims = shape.getShape().clone();
    long[] grown = new long[rank + 1];
    System.arraycopy(dims, 0, grown, 0, d);
    grown[d] = 1;
    System.arraycopy(dims, d, grown, d + 1, rank - d);
    return view(new Shape(grown));
  }

  @Override
  public NDArray transpose() {
    int rank = shape.dimension();
    int[] reversed = new int[rank];
    for (int i = 0; i < rank; i++) {
      reversed[i] = rank - 1 - i;
    }
    return transpose(reversed);
  }

  @Override
  public NDArray transpose(int... axes) {
    int rank = shape.dimension();
    if (axes.length != rank) {
      throw new IllegalArgumentException(
          "transpose needs " + rank + " axes for " + shape + ", got " + Arrays.toString(axes));
    }
    long[] permutation = new long[rank];
    long[] permuted = new long[rank];
    boolean[] seen = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      int d = normalizedAxis(axes[i], rank, "transpose");
      if (seen[d]) {
        throw new IllegalArgumentException(
            "transpose: axis " + axes[i] + " repeats in " + Arrays.toString(axes));
      }
      seen[d] = true;
      permutation[i] = d;
      permuted[i] = shape.get(d);
    }
    Et4jNDArray out = resultManager().allocate(scalarType, new Shape(permuted));
    // permute_copy.out(self, int[] dims, *, out)
    EagerKernels.callOut(
        "aten::permute_copy.out",
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        EagerKernels.intList(permutation));
    return out;
  }

  @Override
  public NDList split(long sections, int axis) {
    int d = normalizedAxis(axis, shape.dimension(), "split");
    long size = shape.get(d);
    if (sections <= 0 || size % sections != 0) {
      throw new IllegalArgumentException(
          "split: axis "
              + axis
              + " of "
              + shape
              + " does not split into "
              + sections
              + " equal sections");
    }
    long step = size / sections;
    long[] indices = new long[(int) sections - 1];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = (i + 1) * step;
    }
    return split(indices, axis);
  }

  @Override
  public NDList split(long[] indices, int axis) {
    int d = normalizedAxis(axis, shape.dimension(), "split");
    long size = shape.get(d);
    NDList parts = new NDList(indices.length + 1);
    long start = 0;
    for (int i = 0; i <= indices.length; i++) {
      long end = i < indices.length ? indices[i] : size;
      if (end < start || end > size) {
        throw new IllegalArgumentException(
            "split: indices " + Arrays.toString(indices) + " are not increasing within " + size);
      }
      parts.add(slice(d, start, end));
      start = end;
    }
    return parts;
  }

  /** Rows {@code [start, end)} of axis {@code d}: a view along axis 0, else one slice_copy. */
  private Et4jNDArray slice(int d, long start, long end) {
    long[] dims = shape.getShape().clone();
    dims[d] = end - start;
    Shape partShape = new Shape(dims);
    if (d == 0) {
      long rowBytes = shape.size() == 0 ? 0 : data.byteSize() / shape.get(0);
      Et4jNDArray part =
          new Et4jNDArray(
              resultManager(),
              scalarType,
              partShape,
              data.asSlice(start * rowBytes, (end - start) * rowBytes));
      part.setName(getName());
      return part;
    }
    Et4jNDArray out = resultManager().allocate(scalarType, partShape);
    // slice_copy.Tensor_out(self, int dim, SymInt? start, SymInt? end, SymInt step, *, out)
    EagerKernels.callOut(
        "aten::slice_copy.Tensor_out",
        out.kernelTensor(),
        Value.ofTensor(kernelTensor()),
        Value.ofInt(d),
        Value.ofInt(start),
        Value.ofInt(end),
        Value.ofInt(1));
    return out;
  }

  static int normalizedAxis(int axis, int rank, String what) {
    int d = axis < 0 ? axis + rank : axis;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException(
          what + ": axis " + axis + " is out of range for rank " + rank);
    }
    return d;
  }
}
