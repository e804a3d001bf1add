package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code quantized_decomposed::add.out(Tensor a, float a_scale, int a_zero_point, int a_quant_min,
 * int a_quant_max, Tensor b, float b_scale, int b_zero_point, int b_quant_min, int b_quant_max,
 * float out_scale, int out_zero_point, int out_quant_min, int out_quant_max, *, Tensor(a!) out)},
 * as ExecuTorch's {@code quantized/cpu/op_add.cpp}: dequantize both (in double, rounded to float),
 * add in float, quantize with the out parameters. a, b and out have one shape and integer dtype;
 * every quant range lies in [0, 255]. Unlike ExecuTorch, a dynamic out is resized to a's shape.
 */
public final class AddOp {
  static final String NAME = "quantized_decomposed::add.out";

  private AddOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, AddOp::bind);
  }

  private static void checkRange(String what, long qmin, long qmax) {
    if (qmin < 0 || qmax > 255 || qmin > qmax) {
      throw KernelChecks.invalid(NAME, "invalid quant_min " + qmin + " or quant_max " + qmax + " for " + what + ": min must be <= max and both in [0, 255]");
    }
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 15);
    TensorImpl a = args[0].toTensor();
    float aScale = (float) args[1].toDouble();
    int aZp = (int) args[2].toInt();
    checkRange("a", args[3].toInt(), args[4].toInt());
    TensorImpl b = args[5].toTensor();
    float bScale = (float) args[6].toDouble();
    int bZp = (int) args[7].toInt();
    checkRange("b", args[8].toInt(), args[9].toInt());
    float outScale = (float) args[10].toDouble();
    long outZp = (int) args[11].toInt();
    long qmin = args[12].toInt();
    long qmax = args[13].toInt();
    checkRange("out", qmin, qmax);
    TensorImpl out = args[14].toTensor();

    ScalarType t = a.dtype();
    if (b.dtype() != t || out.dtype() != t) {
      throw KernelChecks.invalid(NAME, "a, b and out must have one dtype: " + a.describe() + ", " + b.describe() + ", " + out.describe());
    }
    switch (t) {
      case BYTE, CHAR, SHORT, INT, LONG -> {}
      default -> throw KernelChecks.invalid(NAME, "unhandled dtype " + t.displayName());
    }
    Quant.requireSameDimOrder(NAME, a, b, out);
    float invScale = 1.0f / outScale;

    return ctx -> {
      if (!a.sameShape(b)) {
        throw KernelChecks.invalid(NAME, "a " + a.describe() + " and b " + b.describe() + " must have the same shape");
      }
      Quant.resize(NAME, out, a.sizes());
      MemorySegment x = a.data();
      MemorySegment y = b.data();
      MemorySegment z = out.data();
      for (long i = 0; i < a.numel(); i++) {
        float dqa = (float) ((Quant.read(t, x, i) - aZp) * (double) aScale);
        float dqb = (float) ((Quant.read(t, y, i) - bZp) * (double) bScale);
        float acc = dqa + dqb;
        // zero_point (int64) + nearbyint(float): a float sum, truncated as x86 does
        float sum = (float) outZp + (float) Math.rint(invScale * acc);
        long q = org.et4j.kernels.util.Elements.doubleToLong(sum);
        Quant.write(t, z, i, Math.min(Math.max(q, qmin), qmax));
      }
    };
  }
}
