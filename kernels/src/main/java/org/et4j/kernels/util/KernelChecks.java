package org.et4j.kernels.util;

import java.util.Arrays;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The argument checks every portable kernel starts with (ExecuTorch's {@code ET_KERNEL_CHECK}
 * family): each failure is an {@link ExecuTorchException} with {@link ErrorCode#INVALID_ARGUMENT}
 * whose message names the operator and what was wrong.
 */
public final class KernelChecks {
  private KernelChecks() {}

  /** The argument array holds {@code schemaArgs} schema arguments plus the return slot. */
  public static void argCount(String op, Value[] args, int schemaArgs) {
    if (args.length != schemaArgs + 1) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op + ": expected " + schemaArgs + " arguments plus the return slot, got " + args.length);
    }
  }

  /** Fails with {@code op: message} unless {@code condition}. */
  public static void check(boolean condition, String op, String message) {
    if (!condition) {
      throw new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": " + message);
    }
  }

  /** Tensor argument {@code i}, with the op's name in the error if the slot holds no tensor. */
  public static TensorImpl tensor(String op, Value[] args, int i) {
    if (!args[i].isTensor()) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT, op + ": argument " + i + " must be a tensor, found " + args[i]);
    }
    return args[i].toTensor();
  }

  /** Scalar argument {@code i} (Int, Double or Bool). */
  public static Value scalar(String op, Value[] args, int i) {
    if (!args[i].isScalar()) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT, op + ": argument " + i + " must be a Scalar, found " + args[i]);
    }
    return args[i];
  }

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
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT, op + ": tensors have different dim orders: " + sb);
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

  /** {@code t}'s dtype is accepted by the op. */
  public static void dtype(String op, String what, TensorImpl t, boolean accepted) {
    if (!accepted) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op + ": " + what + " of dtype " + t.dtype().displayName() + " is not supported");
    }
  }

  /** Two tensors have the same dtype. */
  public static void sameDtype(String op, TensorImpl a, TensorImpl b) {
    if (a.dtype() != b.dtype()) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op
              + ": expected the same dtype, got "
              + a.dtype().displayName()
              + " and "
              + b.dtype().displayName());
    }
  }

  /** {@code from} can be cast to the output's dtype. */
  public static void canCast(String op, ScalarType from, TensorImpl out) {
    if (!DtypeRules.canCast(from, out.dtype())) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op
              + ": cannot cast the common dtype "
              + from.displayName()
              + " to out dtype "
              + out.dtype().displayName());
    }
  }

  /** The output has exactly dtype {@code expected}. */
  public static void outDtype(String op, ScalarType expected, TensorImpl out) {
    if (out.dtype() != expected) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op + ": out must have dtype " + expected.displayName() + ", got " + out.dtype().displayName());
    }
  }
}
