package org.et4j.runtime.kernel;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;

/**
 * A tensor as kernels and delegates see it: ExecuTorch's {@code TensorImpl}. The dtype and rank
 * are fixed; the sizes change through {@link #resize}, within the bound the memory plan allows;
 * the data is a {@link MemorySegment} view (of a planned arena, of the mapped file for constants,
 * or of memory the caller provided). A {@code MoveCall} into the tensor's slot replaces sizes,
 * dim order and data at once ({@link #assignFrom}).
 *
 * <p>Strides are in elements and derived from the dim order, never stored in the file. Not
 * thread-safe: a tensor belongs to one {@code Method}, which is used by one thread at a time.
 */
public final class TensorImpl {
  /** ExecuTorch's limit on tensor rank. */
  public static final int MAX_RANK = 16;

  private final ScalarType dtype;
  private final int[] sizes;
  private final int[] dimOrder;
  private final long[] strides;
  private ShapeDynamism dynamism;
  private long capacityBytes;
  private final boolean programConstant;
  private ConstantDerivation derivation;
  private boolean derivationRefused;
  private BatchNormFold batchNormFold;
  private long numel;
  private MemorySegment data;
  private int shapeVersion;

  /**
   * Creates a tensor.
   *
   * @param dtype the element type
   * @param sizes the size of each dimension, in elements (copied; at most {@link #MAX_RANK})
   * @param dimOrder the dimensions from outermost to innermost in memory (copied; same length)
   * @param dynamism how the sizes may change through {@link #resize}
   * @param data the elements, or null when the data is attached later ({@link #setData})
   * @param capacityBytes the bytes available at {@code data} (for a planned tensor, what the plan
   *     reserved for the upper-bound shape); -1 when the data is not known yet
   * @throws IllegalArgumentException when the rank exceeds {@link #MAX_RANK} or the dim order's
   *     length differs from it
   */
  public TensorImpl(
      ScalarType dtype,
      int[] sizes,
      int[] dimOrder,
      ShapeDynamism dynamism,
      MemorySegment data,
      long capacityBytes) {
    this(dtype, sizes, dimOrder, dynamism, data, capacityBytes, false);
  }

  private TensorImpl(
      ScalarType dtype,
      int[] sizes,
      int[] dimOrder,
      ShapeDynamism dynamism,
      MemorySegment data,
      long capacityBytes,
      boolean programConstant) {
    if (sizes.length > MAX_RANK || dimOrder.length != sizes.length) {
      throw new IllegalArgumentException(
          "rank " + sizes.length + " with dim order of length " + dimOrder.length);
    }
    this.dtype = dtype;
    this.sizes = sizes.clone();
    this.dimOrder = dimOrder.clone();
    this.strides = new long[sizes.length];
    this.dynamism = dynamism;
    this.capacityBytes = capacityBytes;
    this.data = data;
    this.programConstant = programConstant;
    recomputeStrides();
  }

  /**
   * A tensor over the program's constant data (the constant segment or a named-data blob):
   * ExecuTorch's constant tensors, whose {@code allocation_info} is null and {@code
   * data_buffer_idx} positive. Its shape is static and its bytes never change while the method
   * lives, so kernels may precompute from them at bind (pack a weight once).
   *
   * @param dtype the element type
   * @param sizes the size of each dimension, in elements (copied)
   * @param dimOrder the dimensions from outermost to innermost in memory (copied)
   * @param data the constant's bytes, a read-only view into the program; its size is the capacity
   * @return a {@link ShapeDynamism#STATIC} tensor for which {@link #isProgramConstant()} is true
   */
  public static TensorImpl programConstant(
      ScalarType dtype, int[] sizes, int[] dimOrder, MemorySegment data) {
    return new TensorImpl(
        dtype, sizes, dimOrder, ShapeDynamism.STATIC, data, data.byteSize(), true);
  }

  /**
   * True for a tensor made by {@link #programConstant}: its data and shape are fixed for the
   * method's life. Planned tensors, inputs and outputs are never program constants.
   *
   * @return whether this is a program constant
   */
  public boolean isProgramConstant() {
    return programConstant;
  }

  /**
   * What this planned tensor holds whenever a later instruction reads it, if that is a pure
   * function of a program constant; null otherwise. See {@link #deriveFromConstant}.
   *
   * @return the derivation, or null
   */
  public ConstantDerivation constantDerivation() {
    return derivation;
  }

  /**
   * Called at bind by the kernel that writes this tensor, when what it writes is only a
   * rearrangement of a program constant (ExecuTorch programs keep a linear layer's weight
   * transpose as {@code permute_copy(weight, [1, 0])} before {@code addmm}). The kernel promises
   * that every execution writes exactly that before any later instruction reads this tensor, so a
   * consumer may pack from the constant once at bind instead of from this tensor on every call.
   *
   * @param derivation the constant and permutation this tensor's contents follow from
   * @throws IllegalArgumentException if the source is not a program constant or the permutation
   *     does not match this tensor's shape
   */
  public void deriveFromConstant(ConstantDerivation derivation) {
    TensorImpl source = derivation.constant();
    if (!source.isProgramConstant() || derivation.permutation().length != dim()
        || source.dim() != dim()) {
      throw new IllegalArgumentException(
          describe() + " cannot be derived from " + source.describe() + " by "
              + Arrays.toString(derivation.permutation()));
    }
    for (int d = 0; d < dim(); d++) {
      if (source.size(derivation.permutation()[d]) != sizes[d]) {
        throw new IllegalArgumentException(
            describe() + " is not " + source.describe() + " permuted by "
                + Arrays.toString(derivation.permutation()));
      }
    }
    if (!derivationRefused) {
      this.derivation = derivation;
    }
  }

  /**
   * Marks this tensor as one that something other than its kernel may write (the destination of
   * a move): {@link #deriveFromConstant} then records nothing, and consumers read it every call.
   */
  public void refuseConstantDerivation() {
    derivationRefused = true;
    derivation = null;
  }

  /**
   * The batch norm that the loader found to be this tensor's only reader and that the kernel
   * writing this tensor may fold into itself ({@link BatchNormFold}); null when there is none.
   *
   * @return the offer, or null
   */
  public BatchNormFold batchNormFold() {
    return batchNormFold;
  }

  /**
   * Called by the loader, before any kernel binds, on a convolution's output whose only reader is
   * a batch norm with constant parameters.
   *
   * @param fold the offer
   */
  public void offerBatchNormFold(BatchNormFold fold) {
    this.batchNormFold = fold;
  }

  /**
   * A contiguous tensor over {@code data}.
   *
   * @param dtype the element type
   * @param sizes the size of each dimension, in elements (copied)
   * @param data the elements, or null when attached later; its size is the capacity
   * @return a {@link ShapeDynamism#STATIC} tensor with dim order {@code [0, 1, ..., n-1]}
   */
  public static TensorImpl contiguous(ScalarType dtype, int[] sizes, MemorySegment data) {
    int[] order = new int[sizes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return new TensorImpl(
        dtype, sizes, order, ShapeDynamism.STATIC, data, data == null ? -1 : data.byteSize());
  }

  /**
   * The element type, fixed for the tensor's life.
   *
   * @return the dtype
   */
  public ScalarType dtype() {
    return dtype;
  }

  /**
   * The rank, fixed for the tensor's life.
   *
   * @return the number of dimensions, 0 for a scalar
   */
  public int dim() {
    return sizes.length;
  }

  /**
   * The size of dimension {@code d} (0 ≤ d &lt; dim()).
   *
   * @param d the dimension
   * @return its current size, in elements
   */
  public int size(int d) {
    return sizes[d];
  }

  /**
   * A copy of the sizes.
   *
   * @return a new array, in elements
   */
  public int[] sizes() {
    return sizes.clone();
  }

  /**
   * The stride, in elements, of dimension {@code d}.
   *
   * @param d the dimension, 0 ≤ d &lt; dim()
   * @return the stride
   */
  public long stride(int d) {
    return strides[d];
  }

  /**
   * A copy of the strides, in elements.
   *
   * @return a new array
   */
  public long[] strides() {
    return strides.clone();
  }

  /**
   * The dimension stored at position {@code i}, from outermost to innermost.
   *
   * @param i the position, 0 ≤ i &lt; dim()
   * @return the dimension
   */
  public int dimOrder(int i) {
    return dimOrder[i];
  }

  /**
   * A copy of the dim order.
   *
   * @return a new array
   */
  public int[] dimOrder() {
    return dimOrder.clone();
  }

  /**
   * How the sizes may change through {@link #resize}.
   *
   * @return the dynamism
   */
  public ShapeDynamism dynamism() {
    return dynamism;
  }

  /**
   * The number of elements of the current shape (1 for a scalar).
   *
   * @return the product of the sizes
   */
  public long numel() {
    return numel;
  }

  /**
   * numel × element size.
   *
   * @return the bytes the current shape's elements take
   */
  public long nbytes() {
    return numel * dtype.elementSize();
  }

  /**
   * Bytes available at the data pointer; -1 when unknown (unbound tensors).
   *
   * @return the capacity in bytes, or -1
   */
  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * True when the dim order is {@code [0, 1, ..., n-1]}.
   *
   * @return whether the tensor is laid out in row-major order
   */
  public boolean isContiguous() {
    for (int i = 0; i < dimOrder.length; i++) {
      if (dimOrder[i] != i) {
        return false;
      }
    }
    return true;
  }

  /**
   * Changes with every resize that changes the shape, so that a kernel can cache work that
   * depends only on shapes and redo it when a shape moved.
   *
   * @return the current version; compare for equality only
   */
  public int shapeVersion() {
    return shapeVersion;
  }

  /**
   * True if the tensor has data attached.
   *
   * @return whether {@link #data()} would return
   */
  public boolean hasData() {
    return data != null;
  }

  /**
   * The data. For a tensor of {@link #numel()} elements the first {@link #nbytes()} bytes are the
   * elements in dim order.
   *
   * @return the data view, owned by whoever attached it (the method's arena, the program, or the
   *     caller)
   * @throws ExecuTorchException InvalidState if no data is attached (an unbound input that was
   *     never set, or a freed tensor)
   */
  public MemorySegment data() {
    MemorySegment d = data;
    if (d == null) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_STATE, "tensor " + describe() + " has no data attached");
    }
    return d;
  }

  /**
   * Points this tensor at other memory (unplanned inputs, {@code et_view}, FreeCall).
   *
   * @param data the new data, or null to detach it; the caller keeps it alive while the tensor uses it
   */
  public void setData(MemorySegment data) {
    this.data = data;
  }

  /**
   * Makes this tensor show what {@code source} holds now: its data, sizes, dim order, dynamism and
   * capacity. This is ExecuTorch's {@code MoveCall} for a tensor slot. ExecuTorch copies the
   * {@code EValue}, so the destination slot then names the source's {@code TensorImpl}, and its
   * kernels read the slot at every call. et4j's kernels may hold the tensor they were bound to
   * (a prepared convolution, a linear, a reduction plan), so the move updates that tensor in place
   * instead of replacing it, and every bound kernel sees the moved value. The shape version moves
   * when sizes or dim order changed, so shape-dependent preparation is redone.
   *
   * @param source the tensor to take the value of
   * @throws ExecuTorchException InvalidProgram when dtype or rank differ (the loader rejects such
   *     a move before the method runs)
   */
  public void assignFrom(TensorImpl source) {
    if (source == this) {
      return;
    }
    if (source.dtype != dtype || source.sizes.length != sizes.length) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_PROGRAM, "cannot move " + source.describe() + " into " + describe());
    }
    boolean reshaped = !Arrays.equals(sizes, source.sizes) || !Arrays.equals(dimOrder, source.dimOrder);
    System.arraycopy(source.sizes, 0, sizes, 0, sizes.length);
    System.arraycopy(source.dimOrder, 0, dimOrder, 0, dimOrder.length);
    System.arraycopy(source.strides, 0, strides, 0, strides.length);
    numel = source.numel;
    data = source.data;
    dynamism = source.dynamism;
    capacityBytes = source.capacityBytes;
    if (reshaped) {
      shapeVersion++;
    }
  }

  /**
   * Same sizes as {@code other}.
   *
   * @param other another tensor
   * @return whether the ranks and every size are equal
   */
  public boolean sameShape(TensorImpl other) {
    return Arrays.equals(sizes, other.sizes);
  }

  /**
   * Same sizes as {@code newSizes}.
   *
   * @param newSizes sizes, in elements
   * @return whether the rank and every size are equal
   */
  public boolean hasSizes(int[] newSizes) {
    return Arrays.equals(sizes, newSizes);
  }

  /**
   * Resizes to {@code newSizes} with ExecuTorch's rules: the rank cannot change; a STATIC tensor
   * only "resizes" to its own shape; a DYNAMIC_BOUND tensor may take any shape whose bytes fit
   * the planned bound.
   *
   * @param newSizes the new size of each dimension, in elements
   * @throws ExecuTorchException NotSupported when the rules forbid the new shape
   */
  public void resize(int... newSizes) {
    if (Arrays.equals(sizes, newSizes)) {
      return;
    }
    if (newSizes.length != sizes.length) {
      throw new ExecuTorchException(
          ErrorCode.NOT_SUPPORTED,
          "cannot resize " + describe() + " to rank " + newSizes.length + " " + Arrays.toString(newSizes));
    }
    long n = 1;
    for (int s : newSizes) {
      if (s < 0) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT, "negative size in " + Arrays.toString(newSizes));
      }
      n = Math.multiplyHigh(n, s) != 0 ? Long.MAX_VALUE : n * s;
    }
    switch (dynamism) {
      case STATIC ->
          throw new ExecuTorchException(
              ErrorCode.NOT_SUPPORTED,
              "cannot resize static tensor " + describe() + " to " + Arrays.toString(newSizes));
      case DYNAMIC_BOUND, DYNAMIC_UNBOUND -> {
        if (capacityBytes >= 0 && (n > capacityBytes / dtype.elementSize())) {
          throw new ExecuTorchException(
              ErrorCode.NOT_SUPPORTED,
              "cannot resize "
                  + describe()
                  + " to "
                  + Arrays.toString(newSizes)
                  + ": "
                  + n
                  + " elements exceed the planned bound of "
                  + capacityBytes / dtype.elementSize());
        }
      }
    }
    System.arraycopy(newSizes, 0, sizes, 0, sizes.length);
    recomputeStrides();
    shapeVersion++;
  }

  private void recomputeStrides() {
    long n = 1;
    for (int i = dimOrder.length - 1; i >= 0; i--) {
      int d = dimOrder[i];
      strides[d] = n;
      n *= sizes[d];
    }
    long count = 1;
    for (int s : sizes) {
      count *= s;
    }
    numel = count;
  }

  /**
   * {@code float32[2, 3]}.
   *
   * @return the dtype and sizes, for messages
   */
  public String describe() {
    return dtype.displayName() + Arrays.toString(sizes);
  }

  @Override
  public String toString() {
    return "TensorImpl(" + describe() + ")";
  }
}
