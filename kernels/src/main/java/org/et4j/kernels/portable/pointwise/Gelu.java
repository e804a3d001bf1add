package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.SpecialMath;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::gelu.out(self, *, approximate, out)}: ExecuTorch's {@code op_gelu.cpp}, exact
 * ({@code "none"}) or with the tanh approximation ({@code "tanh"}); -inf gives 0, +inf gives
 * +inf. Half types compute in float32.
 */
public final class Gelu {
  static final String OUT = "aten::gelu.out";

  private Gelu() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Gelu::bind));
  }

  static double geluDouble(double x, boolean tanh) {
    if (x == Double.NEGATIVE_INFINITY) {
      return 0.0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return x;
    }
    if (tanh) {
      double beta = Math.sqrt(2.0) * (2.0 / Math.sqrt(Math.PI)) * 0.5;
      double kappa = ScalarFloatPointwise.GELU_KAPPA;
      double inner = beta * (x + kappa * (x * x * x));
      return 0.5 * x * (1.0 + Math.tanh(inner));
    }
    return 0.5 * x * SpecialMath.erfc(-x * ScalarFloatPointwise.SQRT1_2);
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    String approximate = args[1].toStringValue();
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.dtype(OUT, "input", in, in.dtype().isFloatingPoint());
    KernelChecks.check(
        approximate.equals("tanh") || approximate.equals("none"),
        OUT,
        "approximate must be 'none' or 'tanh', not '" + approximate + "'");
    KernelChecks.sameDimOrder(OUT, in, out);
    boolean tanh = approximate.equals("tanh");
    ScalarType compute = DtypeRules.computeType(in.dtype());
    UnaryOp f =
        compute == ScalarType.DOUBLE
            ? UnaryOp.ofDouble(x -> geluDouble(x, tanh))
            : UnaryOp.ofDouble(x -> ScalarFloatPointwise.gelu(x, tanh));
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in);
    boolean f32 = in.dtype() == ScalarType.FLOAT;
    return ctx -> {
      it.resizeOutLike(0);
      if (f32 && it.isFlat()) {
        FloatPointwise.instance().gelu(in.data(), out.data(), it.numel(), tanh);
      } else {
        ElementwiseLoops.unary(it, compute, f);
      }
    };
  }
}
