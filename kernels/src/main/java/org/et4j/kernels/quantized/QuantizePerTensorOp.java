package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code quantized_decomposed::quantize_per_tensor.out(Tensor input, float scale, int zero_point,
 * int quant_min, int quant_max, ScalarType dtype, *, Tensor(a!) out)} and its {@code Tensor_out}
 * overload (scale as a one-element float64 tensor, zero point as a one-element int64 tensor), as
 * ExecuTorch's {@code op_quantize.cpp}: {@code clamp(zp + nearbyint(x * (1.0f / scale)), qmin,
 * qmax)}; see {@link Quant#quantize}.
 */
public final class QuantizePerTensorOp {
  static final String NAME = "quantized_decomposed::quantize_per_tensor.out";
  static final String TENSOR_NAME = "quantized_decomposed::quantize_per_tensor.Tensor_out";

  private QuantizePerTensorOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, args -> {
      KernelChecks.argSlots(NAME, args, 7);
      double scale = args[1].toDouble();
      long zp = args[2].toInt();
      return bind(NAME, args, () -> scale, () -> zp);
    });
    r.register(TENSOR_NAME, args -> {
      KernelChecks.argSlots(TENSOR_NAME, args, 7);
      TensorImpl scale = args[1].toTensor();
      TensorImpl zp = args[2].toTensor();
      if (scale.dtype() != ScalarType.DOUBLE || zp.dtype() != ScalarType.LONG) {
        throw KernelChecks.invalid(TENSOR_NAME, "scale must be float64 and zero_point int64, not " + scale.describe() + ", " + zp.describe());
      }
      return bind(
          TENSOR_NAME,
          args,
          () -> scalar(TENSOR_NAME, scale).getAtIndex(Elements.F64, 0),
          () -> scalar(TENSOR_NAME, zp).getAtIndex(Elements.I64, 0));
    });
  }

  /** The data of a one-element parameter tensor. */
  static MemorySegment scalar(String op, TensorImpl t) {
    if (t.numel() != 1) {
      throw KernelChecks.invalid(op, "expected a one-element tensor but got " + t.describe());
    }
    return t.data();
  }

  private static KernelCall bind(
      String op, Value[] args, java.util.function.DoubleSupplier scale, java.util.function.LongSupplier zp) {
    TensorImpl in = args[0].toTensor();
    long qmin = args[3].toInt();
    long qmax = args[4].toInt();
    ScalarType dtype = Quant.dtype(op, args[5]);
    TensorImpl out = args[6].toTensor();
    Quant.checkQuantize(op, in, qmin, qmax, dtype, out);
    Quant.requireSameDimOrder(op, in, out);
    return ctx -> {
      Quant.resize(op, out, in.sizes());
      quantize(in, scale.getAsDouble(), zp.getAsLong(), qmin, qmax, out, 0, in.numel());
    };
  }

  /** Quantizes elements {@code [from, to)} with one scale and zero point. */
  static void quantize(TensorImpl in, double scale, long zp, long qmin, long qmax, TensorImpl out, long from, long to) {
    ScalarType it = in.dtype();
    ScalarType ot = out.dtype();
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    float invScale = 1.0f / (float) scale;
    if (it == ScalarType.FLOAT && (ot == ScalarType.CHAR || ot == ScalarType.BYTE)) {
      // the common activation case, without per-element dtype dispatch
      for (long i = from; i < to; i++) {
        long q = Quant.quantize(invScale * src.getAtIndex(Elements.F32, i), zp, qmin, qmax);
        dst.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) q);
      }
      return;
    }
    for (long i = from; i < to; i++) {
      Quant.write(ot, dst, i, Quant.quantize(Quant.product(it, invScale, src, i), zp, qmin, qmax));
    }
  }
}
