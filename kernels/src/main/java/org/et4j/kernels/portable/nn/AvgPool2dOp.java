package org.et4j.kernels.portable.nn;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::avg_pool2d.out(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0,
 * bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None, *, Tensor(a!)
 * out)}, as ExecuTorch's {@code op_avg_pool2d.cpp}: float dtypes and int64 (integer division).
 */
public final class AvgPool2dOp {
  static final String NAME = "aten::avg_pool2d.out";

  private AvgPool2dOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, AvgPool2dOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.atLeastArgs(NAME, args, 8);
    TensorImpl in = args[0].toTensor();
    boolean ceil = args[4].toBool();
    boolean includePad = args[5].toBool();
    long divisor = args[6].isNone() ? 0 : args[6].toInt();
    TensorImpl out = args[7].toTensor();

    // checks (check_avg_pool2d_args)
    Pooling2d.Window w = Pooling2d.window(NAME, args[1], args[2], args[3], null, ceil);
    KernelChecks.allSameDtype(NAME, in, out);
    ScalarType t = in.dtype();
    if (!t.isFloatingPoint() && t != ScalarType.LONG) {
      throw KernelChecks.invalid(NAME, "unsupported dtype " + t.displayName());
    }
    if (!args[6].isNone() && divisor == 0) {
      throw KernelChecks.invalid(NAME, "divisor_override must be non-zero");
    }
    if (out.dim() != in.dim() || !Pooling2d.isDefaultOrChannelsLast(out)) {
      throw KernelChecks.invalid(NAME, "out must match the input's rank and dim order, got " + KernelChecks.describe(in, out));
    }

    int[] outSizes = new int[in.dim()];

    return ctx -> {
      Pooling2d.checkInput(NAME, in);
      NnArgs.resize(NAME, out, Pooling2d.outputSizes(NAME, in, w, outSizes));
      Pooling2d.run(Pooling2d.Reduction.AVERAGE, in, w, includePad, divisor, out, null);
    };
  }
}
