package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::sigmoid.out}: ExecuTorch's {@code op_sigmoid.cpp}, {@code 1 / (1 + exp(-x))} in
 * the input's floating type (float32 for integers and half types); out is any floating type.
 */
public final class Sigmoid {
  static final String OUT = "aten::sigmoid.out";

  private Sigmoid() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Sigmoid::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 2);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    TensorImpl out = KernelChecks.tensor(OUT, args, 1);
    KernelChecks.dtype(OUT, "out", out, out.dtype().isFloatingPoint());
    PointwiseSupport.realHBBF16(OUT, in);
    KernelChecks.sameDimOrder(OUT, in, out);
    ScalarType compute =
        DtypeRules.computeType(in.dtype().isFloatingPoint() ? in.dtype() : ScalarType.FLOAT);
    UnaryOp f =
        compute == ScalarType.FLOAT
            ? UnaryOp.ofDouble(x -> ScalarFloatPointwise.sigmoid((float) x))
            : UnaryOp.ofDouble(x -> 1.0 / (1.0 + Math.exp(-x)));
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in);
    boolean f32 = PointwiseSupport.allFloat(in, out);
    return ctx -> {
      it.resizeOutLike(0);
      if (f32 && it.isFlat()) {
        FloatPointwise.instance().sigmoid(in.data(), out.data(), it.numel());
      } else {
        ElementwiseLoops.unary(it, compute, f);
      }
    };
  }
}
