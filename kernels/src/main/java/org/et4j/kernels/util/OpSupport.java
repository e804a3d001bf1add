package org.et4j.kernels.util;

import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Checks and small shape helpers shared by the copy-like kernels, after ExecuTorch's
 * {@code kernels/portable/cpu/util/copy_ops_util} and {@code runtime/core/exec_aten/util}. Every
 * failure is an {@link ExecuTorchException} naming the operator.
 */
public final class OpSupport {
  private OpSupport() {}

  /** InvalidArgument naming the operator. */
  public static ExecuTorchException invalid(String op, String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": " + message);
  }

  /** Checks the argument count the program gave (schema arguments plus return slots). */
  public static void checkArity(String op, Value[] args, int expected) {
    if (args.length != expected) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_PROGRAM,
          op + ": expected " + expected + " argument slots, got " + args.length);
    }
  }

  /** Checks that {@code b} has the dtype of {@code a}. */
  public static void checkSameDtype(String op, TensorImpl a, String aName, TensorImpl b, String bName) {
    if (a.dtype() != b.dtype()) {
      throw invalid(
          op,
          aName + " is " + a.dtype().displayName() + " but " + bName + " is " + b.dtype().displayName());
    }
  }

  /**
   * A dimension in {@code [-rank, rank)} made non-negative. A 0-d tensor accepts dims -1 and 0, as
   * PyTorch's {@code maybe_wrap_dim} does.
   */
  public static int wrapDim(String op, long dim, int rank) {
    int r = Math.max(rank, 1);
    if (dim < -r || dim >= r) {
      throw invalid(op, "dim " + dim + " is out of range for a tensor of rank " + rank);
    }
    return (int) (dim < 0 ? dim + r : dim);
  }

  /** Contiguous (row-major) strides in elements. */
  public static long[] contiguousStrides(int[] sizes) {
    long[] s = new long[sizes.length];
    long n = 1;
    for (int i = sizes.length - 1; i >= 0; i--) {
      s[i] = n;
      n *= sizes[i];
    }
    return s;
  }

  /** Product of sizes. */
  public static long numel(int[] sizes) {
    long n = 1;
    for (int s : sizes) {
      n *= s;
    }
    return n;
  }

  /** A size that must fit a 32-bit tensor size. */
  public static int toSize(String op, long v, String what) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw invalid(op, what + " " + v + " is not a valid size");
    }
    return (int) v;
  }

  /**
   * {@link TensorImpl#resize} with the operator named in the error: a rank mismatch is the
   * program's mistake (InvalidArgument), a shape beyond the planned bound stays NotSupported.
   */
  public static void resize(String op, TensorImpl out, int[] sizes) {
    if (out.dim() != sizes.length) {
      throw invalid(
          op,
          "out "
              + out.describe()
              + " has rank "
              + out.dim()
              + " but the result has shape "
              + Arrays.toString(sizes));
    }
    try {
      out.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(e.errorCode(), op + ": " + e.detail(), e);
    }
  }

  /** True when the dtype is an index type ExecuTorch's indexing kernels take (int64 or int32). */
  public static boolean isIndexType(ScalarType t) {
    return t == ScalarType.LONG || t == ScalarType.INT;
  }

  /** Checks that the tensor is int64 or int32. */
  public static void checkIndexType(String op, TensorImpl index, String name) {
    if (!isIndexType(index.dtype())) {
      throw invalid(op, name + " must be int64 or int32, not " + index.dtype().displayName());
    }
  }

  /** Checks that the tensor's dim order is the contiguous one. */
  public static void checkContiguous(String op, TensorImpl t, String name) {
    if (!t.isContiguous()) {
      throw invalid(
          op, name + " must have the contiguous dim order, not " + Arrays.toString(t.dimOrder()));
    }
  }

  /** The out-of-range error for an index value. */
  public static ExecuTorchException indexOutOfRange(String op, long index, int dim, long size) {
    return invalid(
        op,
        "index "
            + index
            + " is out of bounds for dimension "
            + dim
            + " with size "
            + size);
  }

  /** Sizes with dimension {@code d} replaced. */
  public static int[] withSize(int[] sizes, int d, int size) {
    int[] s = sizes.clone();
    s[d] = size;
    return s;
  }

  /**
   * ExecuTorch's {@code canCast} for ops that convert while copying: floating types do not go to
   * integers, and only bool goes to bool.
   */
  public static void checkCanCast(String op, ScalarType from, ScalarType to) {
    if (!DtypeRules.canCast(from, to)) {
      throw invalid(op, "cannot cast " + from.displayName() + " to " + to.displayName());
    }
  }
}
