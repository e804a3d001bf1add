package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::elu.out(self, alpha, scale, input_scale, *, out)}: ExecuTorch's {@code op_elu.cpp},
 * {@code x <= 0 ? expm1(x * input_scale) * alpha * scale : x * scale}.
 */
public final class Elu {
  static final String OUT = "aten::elu.out";

  private Elu() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Elu::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 5);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    Value alpha = KernelChecks.scalar(OUT, args, 1);
    Value scale = KernelChecks.scalar(OUT, args, 2);
    Value inputScale = KernelChecks.scalar(OUT, args, 3);
    TensorImpl out = KernelChecks.tensor(OUT, args, 4);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.sameDimOrder(OUT, in, out);
    KernelChecks.dtype(OUT, "input", in, in.dtype().isFloatingPoint());
    ScalarType compute = DtypeRules.computeType(in.dtype());
    double a = DtypeRules.scalarAsDouble(alpha, compute);
    double sc = DtypeRules.scalarAsDouble(scale, compute);
    double is = DtypeRules.scalarAsDouble(inputScale, compute);
    double negcoef = DtypeRules.round(compute, a * sc);
    boolean f32 = compute == ScalarType.FLOAT;
    UnaryOp f =
        UnaryOp.ofDouble(
            x -> {
              if (x <= 0) {
                double e = Math.expm1(DtypeRules.round(compute, x * is));
                return (f32 ? (float) e : e) * negcoef;
              }
              return x * sc;
            });
    return PointwiseSupport.unary(OUT, in, out, compute, f);
  }
}
