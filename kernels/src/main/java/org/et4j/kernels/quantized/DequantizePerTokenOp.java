package org.et4j.kernels.quantized;

import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code quantized_decomposed::dequantize_per_token.out(Tensor input, Tensor scales, Tensor
 * zero_points, int quant_min, int quant_max, ScalarType dtype, ScalarType output_dtype, *,
 * Tensor(a!) out)}, as ExecuTorch's {@code op_dequantize.cpp}: the input is viewed as
 * {@code [tokens, last dim]} and dequantized per channel along the tokens.
 */
public final class DequantizePerTokenOp {
  static final String NAME = "quantized_decomposed::dequantize_per_token.out";

  private DequantizePerTokenOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 8);
      TensorImpl in = args[0].toTensor();
      TensorImpl scales = args[1].toTensor();
      TensorImpl zps = args[2].toTensor();
      long qmin = args[3].toInt();
      long qmax = args[4].toInt();
      ScalarType dtype = Quant.dtype(NAME, args[5]);
      ScalarType outDtype = Quant.dtype(NAME, args[6]);
      TensorImpl out = args[7].toTensor();
      Quant.checkDequantize(NAME, in, qmin, qmax, dtype, outDtype, out);
      Quant.requireContiguous(NAME, in, out, scales, zps);
      if (in.dim() < 1) {
        throw KernelChecks.invalid(NAME, "input must have at least one dim");
      }
      return ctx -> {
        Quant.resize(NAME, out, in.sizes());
        DequantizePerChannelOp.dequantize(
            NAME, in, QuantizePerTokenOp.tokenView(in), scales, zps, 0, qmin, qmax, out);
      };
    });
  }
}
