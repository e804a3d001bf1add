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
 * {@code aten::leaky_relu.out(self, negative_slope, *, out)}: ExecuTorch's
 * {@code op_leaky_relu.cpp}, {@code x >= 0 ? x : x * negative_slope} for floating tensors.
 */
public final class LeakyRelu {
  static final String OUT = "aten::leaky_relu.out";

  private LeakyRelu() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(LeakyRelu::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    Value slope = KernelChecks.scalar(OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    KernelChecks.sameDimOrder(OUT, in, out);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.dtype(OUT, "input", in, in.dtype().isFloatingPoint());
    PointwiseSupport.scalarFits(OUT, "negative_slope", slope, in.dtype());
    ScalarType compute = DtypeRules.computeType(in.dtype());
    double s = Hardtanh.castBound(slope, in.dtype());
    return PointwiseSupport.unary(OUT, in, out, compute, UnaryOp.ofDouble(x -> x >= 0 ? x : x * s));
  }
}
