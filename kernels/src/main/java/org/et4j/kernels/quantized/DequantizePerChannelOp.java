package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code quantized_decomposed::dequantize_per_channel.out(Tensor input, Tensor scales, Tensor?
 * zero_points, int axis, int quant_min, int quant_max, ScalarType dtype, *, ScalarType?
 * out_dtype=None, Tensor(a!) out)}, as ExecuTorch's {@code op_dequantize.cpp}: scales are float32
 * or float64 (used as float), zero points int32 or int64 (absent means 0). A 1-d input casts the
 * difference to the out dtype before multiplying, as ExecuTorch's 1-d path does. For int8 input
 * into float32 the zero points must lie in {@code [quant_min, quant_max]} (ExecuTorch's optimized
 * path checks it).
 */
public final class DequantizePerChannelOp {
  static final String NAME = "quantized_decomposed::dequantize_per_channel.out";

  private DequantizePerChannelOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 9);
      TensorImpl in = args[0].toTensor();
      TensorImpl scales = args[1].toTensor();
      TensorImpl zps = args[2].toOptionalTensor();
      long axis = args[3].toInt();
      long qmin = args[4].toInt();
      long qmax = args[5].toInt();
      ScalarType dtype = Quant.dtype(NAME, args[6]);
      ScalarType outDtype = Quant.optionalDtype(NAME, args[7]);
      TensorImpl out = args[8].toTensor();
      Quant.checkDequantize(NAME, in, qmin, qmax, dtype, outDtype, out);
      Quant.requireContiguous(NAME, scales, zps);
      return ctx -> {
        Quant.resize(NAME, out, in.sizes());
        dequantize(NAME, in, in.sizes(), scales, zps, axis, qmin, qmax, out);
      };
    });
  }

  /** Dequantizes {@code in}, viewed with {@code sizes}, per slice of {@code axis}. */
  static void dequantize(
      String op, TensorImpl in, int[] sizes, TensorImpl scales, TensorImpl zps, long axisArg, long qmin, long qmax, TensorImpl out) {
    int rank = sizes.length;
    if (rank == 0 || axisArg < -rank || axisArg >= rank) {
      throw KernelChecks.invalid(op, "axis " + axisArg + " is not legal for rank " + rank);
    }
    int axis = (int) (axisArg < 0 ? axisArg + rank : axisArg);
    int axisSize = sizes[axis];
    if ((scales.dtype() != ScalarType.FLOAT && scales.dtype() != ScalarType.DOUBLE) || scales.numel() != axisSize) {
      throw KernelChecks.invalid(op, "scales " + scales.describe() + " must be float32 or float64 with " + axisSize + " elements");
    }
    if (zps != null
        && ((zps.dtype() != ScalarType.INT && zps.dtype() != ScalarType.LONG) || zps.numel() != axisSize)) {
      throw KernelChecks.invalid(op, "zero_points " + zps.describe() + " must be int32 or int64 with " + axisSize + " elements");
    }
    boolean checkZeroPoints = in.dtype() == ScalarType.CHAR && out.dtype() == ScalarType.FLOAT;
    long block = 1;
    for (int d = axis + 1; d < rank; d++) {
      block *= sizes[d];
    }
    long numel = in.numel();
    if (block == 0 || numel == 0) {
      return;
    }
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    if (!in.isContiguous() || !out.isContiguous()) {
      // walk in logical order through both tensors' strides (rank >= 2 here: 1-d is contiguous)
      long[] io = Reduction.offsets(in.sizes(), in.strides());
      long[] oo = Reduction.offsets(out.sizes(), out.strides());
      for (int i = 0; i < io.length; i++) {
        int ch = (int) ((i / block) % axisSize);
        float scale = (float) Elements.readDouble(scales.dtype(), scales.data(), ch);
        long zp = zps == null ? 0 : Elements.readLong(zps.dtype(), zps.data(), ch);
        if (checkZeroPoints && (zp < qmin || zp > qmax)) {
          throw KernelChecks.invalid(op, "zero point " + zp + " is outside [" + qmin + ", " + qmax + "]");
        }
        int diff = (int) Quant.read(it, src, io[i]) - (int) zp;
        Elements.writeDouble(ot, dst, oo[i], (float) diff * scale);
      }
      return;
    }
    for (long start = 0, blockIx = 0; start < numel; start += block, blockIx++) {
      int ch = (int) (blockIx % axisSize);
      float scale = (float) Elements.readDouble(scales.dtype(), scales.data(), ch);
      long zp = zps == null ? 0 : Elements.readLong(zps.dtype(), zps.data(), ch);
      if (checkZeroPoints && (zp < qmin || zp > qmax)) {
        throw KernelChecks.invalid(op, "zero point " + zp + " is outside [" + qmin + ", " + qmax + "]");
      }
      if (rank == 1) {
        // ExecuTorch's 1-d path: static_cast<OUT>(q - zp) * scale
        int diff = (int) Quant.read(it, src, start) - (int) zp;
        Elements.writeDouble(ot, dst, start, Quant.roundTo(ot, Quant.roundTo(ot, diff) * scale));
      } else {
        DequantizePerTensorOp.dequantize(in, scale, zp, out, start, start + block);
      }
    }
  }
}
