package org.et4j.kernels.quantized;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code quantized_decomposed::quantize_per_token.out(Tensor input, Tensor scales, Tensor
 * zero_points, int quant_min, int quant_max, ScalarType dtype, *, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_quantize.cpp}: the input is viewed as {@code [tokens, last dim]} and
 * quantized per channel along the tokens, one float64 scale and int64 zero point per token.
 */
public final class QuantizePerTokenOp {
  static final String NAME = "quantized_decomposed::quantize_per_token.out";

  private QuantizePerTokenOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 7);
      TensorImpl in = args[0].toTensor();
      TensorImpl scales = args[1].toTensor();
      TensorImpl zps = args[2].toTensor();
      long qmin = args[3].toInt();
      long qmax = args[4].toInt();
      ScalarType dtype = Quant.dtype(NAME, args[5]);
      TensorImpl out = args[6].toTensor();
      Quant.checkQuantize(NAME, in, qmin, qmax, dtype, out);
      Quant.requireContiguous(NAME, in, out, scales, zps);
      if (in.dim() < 1) {
        throw KernelChecks.invalid(NAME, "input must have at least one dim");
      }
      return ctx -> {
        Quant.resize(NAME, out, in.sizes());
        QuantizePerChannelOp.quantize(NAME, in, tokenView(in), scales, zps, 0, qmin, qmax, out);
      };
    });
  }

  /** {@code [product of the leading dims, last dim]}. */
  static int[] tokenView(TensorImpl in) {
    long tokens = 1;
    for (int d = 0; d < in.dim() - 1; d++) {
      tokens *= in.size(d);
    }
    return new int[] {Math.toIntExact(tokens), in.size(in.dim() - 1)};
  }
}
