package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/** {@code aten::mul.out} and {@code aten::mul.Scalar_out}: ExecuTorch's {@code op_mul.cpp}. */
public final class Mul {
  static final String OUT = "aten::mul.out";
  static final String SCALAR_OUT = "aten::mul.Scalar_out";

  private static final BinaryOp MUL = BinaryOp.of((x, y) -> x * y, (x, y) -> x * y);

  private Mul() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Mul::bindTensor));
    r.register(SCALAR_OUT, RebindingCall.wrap(Mul::bindScalar));
  }

  static KernelCall bindTensor(Value[] args) {
    KernelChecks.argCount(OUT, args, 3);
    TensorImpl a = KernelChecks.tensor(OUT, args, 0);
    TensorImpl b = KernelChecks.tensor(OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(OUT, args, 2);
    // Common dtype
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    // Checks
    PointwiseSupport.realHBBF16(OUT, a, b, out);
    KernelChecks.canCast(OUT, common, out);
    KernelChecks.sameDimOrder(OUT, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, a, b);
    boolean f32 = PointwiseSupport.allFloat(a, b, out);
    return ctx -> {
      it.resizeOutToBroadcast();
      if (f32 && it.numel() > 0) {
        if (it.isFlat()) {
          FloatPointwise.instance().mul(a.data(), b.data(), out.data(), it.numel());
          return;
        }
        long n = it.numel();
        if (out.isContiguous() && b.numel() == 1 && a.numel() == n && a.isContiguous()) {
          FloatPointwise.instance().mulScalar(a.data(), b.data().getAtIndex(Elements.F32, 0), out.data(), n);
          return;
        }
        if (out.isContiguous() && a.numel() == 1 && b.numel() == n && b.isContiguous()) {
          FloatPointwise.instance().mulScalar(b.data(), a.data().getAtIndex(Elements.F32, 0), out.data(), n);
          return;
        }
      }
      if (f32 && FloatBroadcastRows.tryBinary(it, FloatBroadcastRows.Kind.MUL, 1f)) {
        return;
      }
      ElementwiseLoops.binary(it, compute, MUL);
    };
  }

  static KernelCall bindScalar(Value[] args) {
    KernelChecks.argCount(SCALAR_OUT, args, 3);
    TensorImpl a = KernelChecks.tensor(SCALAR_OUT, args, 0);
    Value b = KernelChecks.scalar(SCALAR_OUT, args, 1);
    TensorImpl out = KernelChecks.tensor(SCALAR_OUT, args, 2);
    // Common dtype
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    // Checks
    PointwiseSupport.realHBBF16(SCALAR_OUT, a, out);
    KernelChecks.outDtype(SCALAR_OUT, common, out);
    KernelChecks.sameDimOrder(SCALAR_OUT, a, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    if (compute.isFloatingPoint()) {
      double s = DtypeRules.scalarAsDouble(b, compute);
      UnaryOp f = UnaryOp.ofDouble(x -> x * s);
      if (PointwiseSupport.allFloat(a, out)) {
        BroadcastIndexes it = BroadcastIndexes.of(SCALAR_OUT, out, a);
        float sf = (float) s;
        return ctx -> {
          it.resizeOutLike(0);
          if (it.isFlat()) {
            FloatPointwise.instance().mulScalar(a.data(), sf, out.data(), it.numel());
          } else {
            ElementwiseLoops.unary(it, compute, f);
          }
        };
      }
      return PointwiseSupport.unary(SCALAR_OUT, a, out, compute, f);
    }
    long s = DtypeRules.scalarAsLong(b, compute);
    return PointwiseSupport.unary(SCALAR_OUT, a, out, compute, UnaryOp.ofLong(x -> x * s));
  }
}
