package org.et4j.kernels.util;

import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * Walks the elements of an elementwise op's output together with the matching element of each
 * (NumPy-broadcast) input: ExecuTorch's {@code resize_to_broadcast_target_size} plus
 * {@code BroadcastIndexesRange}. One instance belongs to one call site; shape-dependent work is
 * redone only when a tensor's {@link TensorImpl#shapeVersion()} moved, so a steady-state
 * execution allocates nothing.
 *
 * <p>Usage in {@code execute}: {@link #resizeOutToBroadcast} (or {@link #resizeOutLike}), then
 * either the flat path when {@link #isFlat()} (element {@code i} of every tensor is at storage
 * index {@code i}) or {@link #reset()} / {@link #offset(int)} / {@link #advance()} in output order.
 * Tensor 0 is the output, tensor {@code k + 1} is input {@code k}. Offsets honour each tensor's
 * strides, so any dim order works. Not thread-safe.
 */
public final class BroadcastIndexes {
  private final String op;
  private final TensorImpl[] tensors;
  private final int[] versions;
  private boolean prepared;
  private boolean flat;
  private int rank;
  private int[] sizes = new int[0];
  private long[] strides = new long[0];
  private final int[] counter = new int[TensorImpl.MAX_RANK];
  private final long[] offsets;

  private BroadcastIndexes(String op, TensorImpl out, TensorImpl[] inputs) {
    this.op = op;
    this.tensors = new TensorImpl[inputs.length + 1];
    tensors[0] = out;
    System.arraycopy(inputs, 0, tensors, 1, inputs.length);
    this.versions = new int[tensors.length];
    this.offsets = new long[tensors.length];
  }

  /** A walk over {@code out} and {@code inputs}; {@code op} names the operator in errors. */
  public static BroadcastIndexes of(String op, TensorImpl out, TensorImpl... inputs) {
    return new BroadcastIndexes(op, out, inputs);
  }

  public TensorImpl out() {
    return tensors[0];
  }

  /** Input {@code k} (0-based). */
  public TensorImpl input(int k) {
    return tensors[k + 1];
  }

  private boolean unchanged() {
    if (!prepared) {
      return false;
    }
    for (int k = 0; k < tensors.length; k++) {
      if (tensors[k].shapeVersion() != versions[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Resizes the output to the broadcast shape of all inputs and prepares the walk.
   *
   * @throws ExecuTorchException InvalidArgument when the inputs do not broadcast or the output
   *     cannot take the shape
   */
  public void resizeOutToBroadcast() {
    if (unchanged()) {
      return;
    }
    int[][] shapes = new int[tensors.length - 1][];
    for (int k = 1; k < tensors.length; k++) {
      shapes[k - 1] = tensors[k].sizes();
    }
    resizeOut(broadcastShape(op, shapes));
    prepare();
  }

  /** Resizes the output to input {@code k}'s shape (ExecuTorch's {@code resize_tensor(out, in.sizes())}). */
  public void resizeOutLike(int k) {
    if (unchanged()) {
      return;
    }
    resizeOut(tensors[k + 1].sizes());
    prepare();
  }

  /** Resizes the output to {@code shape} and prepares the walk (shape computed by the caller). */
  public void resizeOutTo(int[] shape) {
    resizeOut(shape);
    prepare();
  }

  /** True when nothing changed shape since the last prepare. */
  public boolean isPrepared() {
    return unchanged();
  }

  private void resizeOut(int[] shape) {
    TensorImpl out = tensors[0];
    if (out.hasSizes(shape)) {
      return;
    }
    try {
      out.resize(shape);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op + ": cannot resize out " + out.describe() + " to " + Arrays.toString(shape) + ": " + e.detail(),
          e);
    }
  }

  /** Computes the strides of every tensor in the output's index space. */
  public void prepare() {
    TensorImpl out = tensors[0];
    rank = out.dim();
    sizes = out.sizes();
    strides = new long[tensors.length * rank];
    boolean isFlat = true;
    for (int k = 0; k < tensors.length; k++) {
      TensorImpl t = tensors[k];
      int shift = rank - t.dim();
      if (shift < 0) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT,
            op + ": input " + t.describe() + " has more dimensions than out " + out.describe());
      }
      for (int d = 0; d < rank; d++) {
        int j = d - shift;
        long s;
        if (j < 0) {
          s = 0;
        } else if (t.size(j) == sizes[d]) {
          s = t.stride(j);
        } else if (t.size(j) == 1) {
          s = 0;
        } else {
          throw new ExecuTorchException(
              ErrorCode.INVALID_ARGUMENT,
              op + ": input " + t.describe() + " does not broadcast to out " + out.describe());
        }
        if (sizes[d] == 1) {
          s = 0;
        }
        strides[k * rank + d] = s;
        if (sizes[d] > 1 && s != out.stride(d)) {
          isFlat = false;
        }
      }
    }
    flat = isFlat;
    for (int k = 0; k < tensors.length; k++) {
      versions[k] = tensors[k].shapeVersion();
    }
    prepared = true;
  }

  /** Number of output elements. */
  public long numel() {
    return tensors[0].numel();
  }

  /**
   * True when every input has the output's shape (up to leading 1s) and layout: element
   * {@code i} of each tensor sits at storage index {@code i}.
   */
  public boolean isFlat() {
    return flat;
  }

  /** Restarts the walk at the first output element. */
  public void reset() {
    Arrays.fill(counter, 0, rank, 0);
    Arrays.fill(offsets, 0);
  }

  /** The storage index of the current element in tensor {@code k} (0 = out, k = input k-1). */
  public long offset(int k) {
    return offsets[k];
  }

  /** Moves to the next output element in row-major order. */
  public void advance() {
    int n = tensors.length;
    for (int d = rank - 1; d >= 0; d--) {
      if (++counter[d] < sizes[d]) {
        for (int k = 0; k < n; k++) {
          offsets[k] += strides[k * rank + d];
        }
        return;
      }
      counter[d] = 0;
      long back = sizes[d] - 1;
      for (int k = 0; k < n; k++) {
        offsets[k] -= strides[k * rank + d] * back;
      }
    }
  }

  /** The size of the innermost output dimension (1 for a 0-d output): the length of one row. */
  public long innerSize() {
    return rank == 0 ? 1 : sizes[rank - 1];
  }

  /** The stride of tensor {@code k} along the innermost output dimension (0 when broadcast). */
  public long innerStride(int k) {
    return rank == 0 ? 0 : strides[k * rank + rank - 1];
  }

  /**
   * Moves to the first element of the next row (the next index of the outer dimensions), for
   * kernels that process a whole innermost row at a time from {@link #offset(int)}.
   */
  public void advanceRow() {
    int n = tensors.length;
    for (int d = rank - 2; d >= 0; d--) {
      if (++counter[d] < sizes[d]) {
        for (int k = 0; k < n; k++) {
          offsets[k] += strides[k * rank + d];
        }
        return;
      }
      counter[d] = 0;
      long back = sizes[d] - 1;
      for (int k = 0; k < n; k++) {
        offsets[k] -= strides[k * rank + d] * back;
      }
    }
  }

  /**
   * The NumPy broadcast of {@code shapes} (ExecuTorch's {@code get_broadcast_target_size}).
   *
   * @throws ExecuTorchException InvalidArgument when two shapes do not broadcast
   */
  public static int[] broadcastShape(String op, int[]... shapes) {
    int rank = 0;
    for (int[] s : shapes) {
      rank = Math.max(rank, s.length);
    }
    int[] out = new int[rank];
    Arrays.fill(out, 1);
    for (int[] s : shapes) {
      int shift = rank - s.length;
      for (int j = 0; j < s.length; j++) {
        int d = j + shift;
        if (s[j] == out[d] || s[j] == 1) {
          continue;
        }
        if (out[d] == 1) {
          out[d] = s[j];
          continue;
        }
        StringBuilder sb = new StringBuilder();
        for (int[] x : shapes) {
          sb.append(sb.isEmpty() ? "" : " and ").append(Arrays.toString(x));
        }
        throw new ExecuTorchException(
            ErrorCode.INVALID_ARGUMENT, op + ": shapes " + sb + " do not broadcast");
      }
    }
    return out;
  }
}
