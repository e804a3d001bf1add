package org.et4j.kernels.util;

import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The argument checks the kernels start with (ExecuTorch's {@code ET_KERNEL_CHECK} family and
 * the checks of {@code kernels/portable/cpu/util/copy_ops_util}): each failure is an {@link
 * ExecuTorchException} whose message names the operator and what was wrong, with {@link
 * ErrorCode#INVALID_ARGUMENT} unless said otherwise.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** InvalidArgument naming the operator: {@code op: message}. */
  public static ExecuTorchException invalid(String op, String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": " + message);
  }

  /**
   * The tensors of a Tensor[] argument. A hostile program can pass an optional tensor list
   * (whose items may be None) where the schema says Tensor[]: a None item is InvalidArgument.
   */
  public static TensorImpl[] tensorList(String op, Value list, String name) {
    TensorImpl[] items = list.toTensorList();
    for (int i = 0; i < items.length; i++) {
      if (items[i] == null) {
        throw invalid(op, name + "[" + i + "] is None, but " + name + " is a Tensor[]");
      }
    }
    return items;
  }

  /** A dim argument as an int; one beyond int's range is out of range for any tensor (InvalidArgument). */
  public static int dimArgument(String op, long dim) {
    if (dim != (int) dim) {
      throw invalid(op, "dim " + dim + " is out of range");
    }
    return (int) dim;
  }

  /** Fails with {@code op: message} unless {@code condition}. */
  public static void check(boolean condition, String op, String message) {
    if (!condition) {
      throw invalid(op, message);
    }
  }

  // ---- argument counts. The three differ on purpose: what is counted, and the error code. ----

  /**
   * The argument array holds {@code schemaArgs} schema arguments plus the return slot
   * (InvalidArgument).
   */
  public static void argCount(String op, Value[] args, int schemaArgs) {
    if (args.length != schemaArgs + 1) {
      throw invalid(
          op, "expected " + schemaArgs + " arguments plus the return slot, got " + args.length);
    }
  }

  /**
   * The program gave exactly {@code expected} argument slots (schema arguments plus return slots);
   * otherwise the program is malformed: {@link ErrorCode#INVALID_PROGRAM}.
   */
  public static void slotCount(String op, Value[] args, int expected) {
    if (args.length != expected) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_PROGRAM,
          op + ": expected " + expected + " argument slots, got " + args.length);
    }
  }

  /** The call has the schema's arguments (the trailing return slots may follow). */
  public static void atLeastArgs(String op, Value[] args, int schemaArgs) {
    if (args.length < schemaArgs) {
      throw invalid(op, "expected " + schemaArgs + " arguments but the call has " + args.length);
    }
  }

  /**
   * The same count as {@link #argCount}, in the wording of the reduction and quantized ops:
   * {@code expected N argument slots but got M} (InvalidArgument).
   */
  public static void argSlots(String op, Value[] args, int schemaArgs) {
    if (args.length != schemaArgs + 1) {
      throw invalid(op, "expected " + (schemaArgs + 1) + " argument slots but got " + args.length);
    }
  }

  // ---- argument kinds ----

  /** Tensor argument {@code i}, with the op's name in the error if the slot holds no tensor. */
  public static TensorImpl tensor(String op, Value[] args, int i) {
    if (!args[i].isTensor()) {
      throw invalid(op, "argument " + i + " must be a tensor, found " + args[i]);
    }
    return args[i].toTensor();
  }

  /** Scalar argument {@code i} (Int, Double or Bool). */
  public static Value scalar(String op, Value[] args, int i) {
    if (!args[i].isScalar()) {
      throw invalid(op, "argument " + i + " must be a Scalar, found " + args[i]);
    }
    return args[i];
  }

  // ---- dim orders and ranks ----

  /**
   * ExecuTorch's {@code tensors_have_same_dim_order}: all tensors contiguous, or all channels-last
   * (4-D or 5-D).
   */
  public static void sameDimOrder(String op, TensorImpl... ts) {
    if (ts.length < 2) {
      return;
    }
    boolean allContiguous = true;
    boolean allChannelsLast = true;
    for (TensorImpl t : ts) {
      allContiguous &= t.isContiguous();
      allChannelsLast &= isChannelsLast(t);
    }
    if (!allContiguous && !allChannelsLast) {
      StringBuilder sb = new StringBuilder();
      for (TensorImpl t : ts) {
        sb.append(sb.isEmpty() ? "" : ", ").append(Arrays.toString(t.dimOrder()));
      }
      throw invalid(op, "tensors have different dim orders: " + sb);
    }
  }

  /** Dim order {@code [0, 2, 3, 1]} or {@code [0, 2, 3, 4, 1]}. */
  public static boolean isChannelsLast(TensorImpl t) {
    int n = t.dim();
    if (n != 4 && n != 5) {
      return false;
    }
    if (t.dimOrder(0) != 0 || t.dimOrder(n - 1) != 1) {
      return false;
    }
    for (int d = 1; d < n - 1; d++) {
      if (t.dimOrder(d) != d + 1) {
        return false;
      }
    }
    return true;
  }

  /** The tensor {@code name}'s dim order is the contiguous one. */
  public static void contiguous(String op, TensorImpl t, String name) {
    if (!t.isContiguous()) {
      throw invalid(
          op, name + " must have the contiguous dim order, not " + Arrays.toString(t.dimOrder()));
    }
  }

  /** Every non-null tensor has the default dim order (the error lists them all). */
  public static void allContiguous(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      if (t != null && !t.isContiguous()) {
        throw invalid(op, "only the default dim order is supported, got " + describe(ts));
      }
    }
  }

  /** {@code t} has rank {@code rank}. */
  public static void rank(String op, TensorImpl t, int rank, String what) {
    if (t.dim() != rank) {
      throw invalid(op, what + " must be " + rank + "-D, got " + t.describe());
    }
  }

  // ---- dtypes ----

  /** {@code t}'s dtype is accepted by the op. */
  public static void dtype(String op, String what, TensorImpl t, boolean accepted) {
    if (!accepted) {
      throw invalid(op, what + " of dtype " + t.dtype().displayName() + " is not supported");
    }
  }

  /** Two tensors have the same dtype. */
  public static void sameDtype(String op, TensorImpl a, TensorImpl b) {
    if (a.dtype() != b.dtype()) {
      throw invalid(
          op,
          "expected the same dtype, got "
              + a.dtype().displayName()
              + " and "
              + b.dtype().displayName());
    }
  }

  /** {@code b} has the dtype of {@code a}; the error names both. */
  public static void sameDtype(
      String op, TensorImpl a, String aName, TensorImpl b, String bName) {
    if (a.dtype() != b.dtype()) {
      throw invalid(
          op,
          aName + " is " + a.dtype().displayName() + " but " + bName + " is " + b.dtype().displayName());
    }
  }

  /** Every non-null tensor has the dtype of the first (the error lists them all). */
  public static void allSameDtype(String op, TensorImpl... ts) {
    for (TensorImpl t : ts) {
      if (t != null && t.dtype() != ts[0].dtype()) {
        throw invalid(op, "tensors must share one dtype, got " + describe(ts));
      }
    }
  }

  /** {@code from}, the common dtype, can be cast to the output's dtype. */
  public static void canCast(String op, ScalarType from, TensorImpl out) {
    if (!DtypeRules.canCast(from, out.dtype())) {
      throw invalid(
          op,
          "cannot cast the common dtype "
              + from.displayName()
              + " to out dtype "
              + out.dtype().displayName());
    }
  }

  /**
   * ExecuTorch's {@code canCast} for ops that convert while copying: floating types do not go to
   * integers, and only bool goes to bool.
   */
  public static void canCast(String op, ScalarType from, ScalarType to) {
    if (!DtypeRules.canCast(from, to)) {
      throw invalid(op, "cannot cast " + from.displayName() + " to " + to.displayName());
    }
  }

  /** The output has exactly dtype {@code expected}. */
  public static void outDtype(String op, ScalarType expected, TensorImpl out) {
    if (out.dtype() != expected) {
      throw invalid(
          op,
          "out must have dtype " + expected.displayName() + ", got " + out.dtype().displayName());
    }
  }

  // ---- indices ----

  /** True when the dtype is an index type ExecuTorch's indexing kernels take (int64 or int32). */
  public static boolean isIndexType(ScalarType t) {
    return t == ScalarType.LONG || t == ScalarType.INT;
  }

  /** The tensor {@code name} is int64 or int32. */
  public static void indexType(String op, TensorImpl index, String name) {
    if (!isIndexType(index.dtype())) {
      throw invalid(op, name + " must be int64 or int32, not " + index.dtype().displayName());
    }
  }

  /** The out-of-range error for an index value. */
  public static ExecuTorchException indexOutOfRange(String op, long index, int dim, long size) {
    return invalid(
        op,
        "index " + index + " is out of bounds for dimension " + dim + " with size " + size);
  }

  /** The tensors' descriptions, comma-separated, {@code None} for a null (absent optional). */
  public static String describe(TensorImpl... ts) {
    StringBuilder sb = new StringBuilder();
    for (TensorImpl t : ts) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(t == null ? "None" : t.describe());
    }
    return sb.toString();
  }
}
