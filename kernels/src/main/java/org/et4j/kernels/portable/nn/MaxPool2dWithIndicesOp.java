package org.et4j.kernels.portable.nn;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::max_pool2d_with_indices.out(Tensor self, int[2] kernel_size, int[2] stride=[],
 * int[2] padding=0, int[2] dilation=1, bool ceil_mode=False, *, Tensor(a!) out, Tensor(b!)
 * indices)}, as ExecuTorch's {@code op_max_pool2d_with_indices.cpp}: each index is {@code h * W +
 * w} within its plane; the first largest value wins and NaNs do not propagate (ExecuTorch compares
 * with {@code >}).
 */
public final class MaxPool2dWithIndicesOp {
  static final String NAME = "aten::max_pool2d_with_indices.out";

  private MaxPool2dWithIndicesOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, MaxPool2dWithIndicesOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 8);
    TensorImpl in = args[0].toTensor();
    boolean ceil = args[5].toBool();
    TensorImpl out = args[6].toTensor();
    TensorImpl indices = args[7].toTensor();

    // checks (check_max_pool2d_with_indices_args)
    Pooling2d.Window w = Pooling2d.window(NAME, args[1], args[2], args[3], args[4], ceil);
    KernelChecks.allSameDtype(NAME, in, out);
    ScalarType t = in.dtype();
    if (!t.isFloatingPoint() && !t.isIntegral()) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    if (indices.dtype() != ScalarType.LONG) {
      throw KernelChecks.invalid(NAME, "indices must be int64, got " + indices.describe());
    }
    if (out.dim() != in.dim() || indices.dim() != in.dim()) {
      throw KernelChecks.invalid(NAME, "out and indices must have the input's rank, got " + KernelChecks.describe(in, out, indices));
    }
    if (!Pooling2d.isDefaultOrChannelsLast(out)
        || !java.util.Arrays.equals(out.dimOrder(), indices.dimOrder())) {
      throw KernelChecks.invalid(NAME, "out and indices must share one dim order");
    }

    int[] outSizes = new int[in.dim()];

    return ctx -> {
      Pooling2d.checkInput(NAME, in);
      int[] sizes = Pooling2d.outputSizes(NAME, in, w, outSizes);
      NnArgs.resize(NAME, out, sizes);
      NnArgs.resize(NAME, indices, sizes);
      Pooling2d.run(Pooling2d.Reduction.MAX, in, w, false, 0, out, indices);
    };
  }
}
