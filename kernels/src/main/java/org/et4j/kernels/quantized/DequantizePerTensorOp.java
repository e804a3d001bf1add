package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code quantized_decomposed::dequantize_per_tensor.out(Tensor input, float scale, int
 * zero_point, int quant_min, int quant_max, ScalarType dtype, *, ScalarType? out_dtype=None,
 * Tensor(a!) out)} and its {@code Tensor_out} overload (scale and zero point as one-element
 * float64 and int64 tensors), as ExecuTorch's {@code op_dequantize.cpp}: {@code (q - (int32) zp)}
 * in int arithmetic times {@code (float) scale} in float, cast to the out dtype (float32, float64
 * or float16). quant_min and quant_max are only checked, not applied.
 */
public final class DequantizePerTensorOp {
  static final String NAME = "quantized_decomposed::dequantize_per_tensor.out";
  static final String TENSOR_NAME = "quantized_decomposed::dequantize_per_tensor.Tensor_out";

  private DequantizePerTensorOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 8);
      double scale = args[1].toDouble();
      long zp = args[2].toInt();
      return bind(NAME, args, () -> scale, () -> zp);
    });
    r.register(TENSOR_NAME, args -> {
      KernelChecks.argSlots(TENSOR_NAME, args, 8);
      TensorImpl scale = args[1].toTensor();
      TensorImpl zp = args[2].toTensor();
      if (scale.dtype() != ScalarType.DOUBLE || zp.dtype() != ScalarType.LONG) {
        throw KernelChecks.invalid(TENSOR_NAME, "scale must be float64 and zero_point int64, not " + scale.describe() + ", " + zp.describe());
      }
      return bind(
          TENSOR_NAME,
          args,
          () -> QuantizePerTensorOp.scalar(TENSOR_NAME, scale).getAtIndex(Elements.F64, 0),
          () -> QuantizePerTensorOp.scalar(TENSOR_NAME, zp).getAtIndex(Elements.I64, 0));
    });
  }

  private static KernelCall bind(String op, Value[] args, DoubleSupplier scale, LongSupplier zp) {
    TensorImpl in = args[0].toTensor();
    long qmin = args[3].toInt();
    long qmax = args[4].toInt();
    ScalarType dtype = Quant.dtype(op, args[5]);
    ScalarType outDtype = Quant.optionalDtype(op, args[6]);
    TensorImpl out = args[7].toTensor();
    Quant.checkDequantize(op, in, qmin, qmax, dtype, outDtype, out);
    Quant.requireSameDimOrder(op, in, out);
    return ctx -> {
      Quant.resize(op, out, in.sizes());
      dequantize(in, (float) scale.getAsDouble(), zp.getAsLong(), out, 0, in.numel());
    };
  }

  /** Dequantizes elements {@code [from, to)}: {@code (float) (int) (q - (int) zp) * scale}. */
  static void dequantize(TensorImpl in, float scale, long zp, TensorImpl out, long from, long to) {
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    int zp32 = (int) zp;
    if (ot == ScalarType.FLOAT && (it == ScalarType.CHAR || it == ScalarType.BYTE)) {
      // the common weight case, without per-element dtype dispatch
      DequantizeRows.get().dequantize(src, dst, from, to, zp32, scale, it == ScalarType.BYTE);
      return;
    }
    for (long i = from; i < to; i++) {
      int diff = (int) Quant.read(it, src, i) - zp32;
      Elements.writeDouble(ot, dst, i, (float) diff * scale);
    }
  }
}
