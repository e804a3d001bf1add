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

/** {@code aten::relu.out}: ExecuTorch's {@code op_relu.cpp}; NaN and -0.0 pass through. */
public final class Relu {
  static final String OUT = "aten::relu.out";
  private static final UnaryOp RELU = UnaryOp.of(x -> x < 0 ? 0.0 : x, x -> x < 0 ? 0 : x);

  private Relu() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Relu::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 2);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    TensorImpl out = KernelChecks.tensor(OUT, args, 1);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.dtype(OUT, "input", in, DtypeRules.isRealHBF16(in.dtype()));
    KernelChecks.sameDimOrder(OUT, in, out);
    ScalarType compute = DtypeRules.computeType(in.dtype());
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in);
    boolean f32 = in.dtype() == ScalarType.FLOAT;
    return ctx -> {
      it.resizeOutLike(0);
      if (f32 && it.isFlat()) {
        FloatPointwise.instance().relu(in.data(), out.data(), it.numel());
      } else {
        ElementwiseLoops.unary(it, compute, RELU);
      }
    };
  }
}
