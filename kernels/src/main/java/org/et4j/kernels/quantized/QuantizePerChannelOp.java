package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code quantized_decomposed::quantize_per_channel.out(Tensor input, Tensor scales, Tensor
 * zero_points, int axis, int quant_min, int quant_max, ScalarType dtype, *, Tensor(a!) out)}, as
 * ExecuTorch's {@code op_quantize.cpp}: each slice along {@code axis} has its own float64 scale
 * and int64 zero point.
 */
public final class QuantizePerChannelOp {
  static final String NAME = "quantized_decomposed::quantize_per_channel.out";

  private QuantizePerChannelOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 8);
      TensorImpl in = args[0].toTensor();
      TensorImpl scales = args[1].toTensor();
      TensorImpl zps = args[2].toTensor();
      long axis = args[3].toInt();
      long qmin = args[4].toInt();
      long qmax = args[5].toInt();
      ScalarType dtype = Quant.dtype(NAME, args[6]);
      TensorImpl out = args[7].toTensor();
      Quant.checkQuantize(NAME, in, qmin, qmax, dtype, out);
      Quant.requireContiguous(NAME, scales, zps);
      return ctx -> {
        Quant.resize(NAME, out, in.sizes());
        quantize(NAME, in, in.sizes(), scales, zps, axis, qmin, qmax, out);
      };
    });
  }

  /**
   * Quantizes {@code in}, viewed with {@code sizes} (per-token passes a 2-d view), per slice of
   * {@code axis}.
   */
  static void quantize(
      String op, TensorImpl in, int[] sizes, TensorImpl scales, TensorImpl zps, long axisArg, long qmin, long qmax, TensorImpl out) {
    int rank = sizes.length;
    if (rank == 0 ? (axisArg != 0 && axisArg != -1) : (axisArg < -rank || axisArg >= rank)) {
      throw KernelChecks.invalid(op, "axis " + axisArg + " is not legal for rank " + rank);
    }
    int axis = rank == 0 ? 0 : (int) (axisArg < 0 ? axisArg + rank : axisArg);
    int axisSize = rank == 0 ? 1 : sizes[axis];
    if (scales.dtype() != ScalarType.DOUBLE || scales.numel() != axisSize) {
      throw KernelChecks.invalid(op, "scales " + scales.describe() + " must be float64 with " + axisSize + " elements");
    }
    if (zps.dtype() != ScalarType.LONG || zps.numel() != axisSize) {
      throw KernelChecks.invalid(op, "zero_points " + zps.describe() + " must be int64 with " + axisSize + " elements");
    }
    long block = 1;
    for (int d = axis + 1; d < rank; d++) {
      block *= sizes[d];
    }
    long numel = in.numel();
    if (block == 0 || numel == 0) {
      return;
    }
    MemorySegment sd = scales.data();
    MemorySegment zd = zps.data();
    if (!in.isContiguous() || !out.isContiguous()) {
      // walk in logical order through both tensors' strides
      long[] io = Reduction.offsets(in.sizes(), in.strides());
      long[] oo = Reduction.offsets(out.sizes(), out.strides());
      ScalarType it = in.dtype();
      for (int i = 0; i < io.length; i++) {
        int ch = (int) ((i / block) % axisSize);
        float invScale = 1.0f / (float) sd.getAtIndex(Elements.F64, ch);
        long q = Quant.quantize(Quant.product(it, invScale, in.data(), io[i]), zd.getAtIndex(Elements.I64, ch), qmin, qmax);
        Quant.write(out.dtype(), out.data(), oo[i], q);
      }
      return;
    }
    for (long start = 0, blockIx = 0; start < numel; start += block, blockIx++) {
      int ch = (int) (blockIx % axisSize);
      QuantizePerTensorOp.quantize(
          in, sd.getAtIndex(Elements.F64, ch), zd.getAtIndex(Elements.I64, ch), qmin, qmax, out, start, start + block);
    }
  }
}
