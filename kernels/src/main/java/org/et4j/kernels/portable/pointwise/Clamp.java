package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.TernaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::clamp.out(self, min?, max?, *, out)} and {@code aten::clamp.Tensor_out}:
 * ExecuTorch's {@code op_clamp.cpp}. At least one bound must be given; NaN inputs (and NaN bounds)
 * propagate; Scalar bounds must fit the output dtype.
 */
public final class Clamp {
  static final String OUT = "aten::clamp.out";
  static final String TENSOR_OUT = "aten::clamp.Tensor_out";

  private Clamp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Clamp::bindScalar));
    r.register(TENSOR_OUT, RebindingCall.wrap(Clamp::bindTensor));
  }

  /** ExecuTorch's {@code check_bounds}: an integral out takes bounds in its range; a floating out finite bounds in its range. */
  static void checkBound(String op, String name, Value v, ScalarType outType) {
    if (outType.isIntegral()) {
      long x = v.scalarToLong();
      KernelChecks.check(DtypeRules.wrap(outType, x) == x, op, name + " " + v + " is out of bounds for " + outType.displayName());
    } else if (outType.isFloatingPoint()) {
      PointwiseSupport.scalarFits(op, name, Value.ofDouble(v.scalarToDouble()), outType);
    }
  }

  static KernelCall bindScalar(Value[] args) {
    KernelChecks.argCount(OUT, args, 4);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    Value min = args[1];
    Value max = args[2];
    TensorImpl out = KernelChecks.tensor(OUT, args, 3);
    boolean hasMin = !min.isNone();
    boolean hasMax = !max.isNone();
    KernelChecks.check(hasMin || hasMax, OUT, "at least one of 'min' or 'max' must not be None");
    // Common dtype
    ScalarType common = in.dtype();
    if (hasMin) {
      common = DtypeRules.promoteWithScalar(common, KernelChecks.scalar(OUT, args, 1));
    }
    if (hasMax) {
      common = DtypeRules.promoteWithScalar(common, KernelChecks.scalar(OUT, args, 2));
    }
    // Checks
    PointwiseSupport.realHBBF16(OUT, in, out);
    KernelChecks.outDtype(OUT, common, out);
    if (hasMin) {
      checkBound(OUT, "minimum", min, out.dtype());
    }
    if (hasMax) {
      checkBound(OUT, "maximum", max, out.dtype());
    }
    KernelChecks.sameDimOrder(OUT, in, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    UnaryOp f;
    boolean fast = false;
    float lo32 = Float.NEGATIVE_INFINITY;
    float hi32 = Float.POSITIVE_INFINITY;
    if (compute.isFloatingPoint()) {
      double lo = hasMin ? DtypeRules.scalarAsDouble(min, compute) : Double.NaN;
      double hi = hasMax ? DtypeRules.scalarAsDouble(max, compute) : Double.NaN;
      f =
          UnaryOp.ofDouble(
              x -> {
                double r = x;
                if (hasMin) {
                  r = PointwiseSupport.maxOverride(r, lo);
                }
                if (hasMax) {
                  r = PointwiseSupport.minOverride(r, hi);
                }
                return r;
              });
      if (in.dtype() == ScalarType.FLOAT && out.dtype() == ScalarType.FLOAT
          && !(hasMin && Double.isNaN(lo)) && !(hasMax && Double.isNaN(hi))) {
        fast = true;
        lo32 = hasMin ? (float) lo : Float.NEGATIVE_INFINITY;
        hi32 = hasMax ? (float) hi : Float.POSITIVE_INFINITY;
      }
    } else {
      long lo = hasMin ? DtypeRules.scalarAsLong(min, compute) : 0;
      long hi = hasMax ? DtypeRules.scalarAsLong(max, compute) : 0;
      f =
          UnaryOp.ofLong(
              x -> {
                long r = x;
                if (hasMin) {
                  r = Math.max(r, lo);
                }
                if (hasMax) {
                  r = Math.min(r, hi);
                }
                return r;
              });
    }
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in);
    boolean useFast = fast;
    float lo = lo32;
    float hi = hi32;
    return ctx -> {
      it.resizeOutLike(0);
      if (useFast && it.isFlat()) {
        FloatPointwise.instance().clamp(in.data(), lo, hi, out.data(), it.numel());
      } else {
        ElementwiseLoops.unary(it, compute, f);
      }
    };
  }

  static KernelCall bindTensor(Value[] args) {
    KernelChecks.argCount(TENSOR_OUT, args, 4);
    TensorImpl in = KernelChecks.tensor(TENSOR_OUT, args, 0);
    TensorImpl minT = args[1].toOptionalTensor();
    TensorImpl maxT = args[2].toOptionalTensor();
    TensorImpl out = KernelChecks.tensor(TENSOR_OUT, args, 3);
    boolean hasMin = minT != null;
    boolean hasMax = maxT != null;
    KernelChecks.check(hasMin || hasMax, TENSOR_OUT, "at least one of 'min' or 'max' must not be None");
    TensorImpl min = hasMin ? minT : in;
    TensorImpl max = hasMax ? maxT : in;
    // Common dtype
    ScalarType common = in.dtype();
    if (hasMin) {
      common = TypePromotion.promote(common, min.dtype());
    }
    if (hasMax) {
      common = TypePromotion.promote(common, max.dtype());
    }
    // Checks
    PointwiseSupport.realHBBF16(TENSOR_OUT, in, min, max, out);
    KernelChecks.canCast(TENSOR_OUT, common, out);
    KernelChecks.sameDimOrder(TENSOR_OUT, in, min, max, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    TernaryOp f =
        new TernaryOp() {
          @Override
          public double applyAsDouble(double x, double lo, double hi) {
            double r = x;
            if (hasMin) {
              r = PointwiseSupport.maxOverride(r, lo);
            }
            if (hasMax) {
              r = PointwiseSupport.minOverride(r, hi);
            }
            return r;
          }

          @Override
          public long applyAsLong(long x, long lo, long hi) {
            long r = x;
            if (hasMin) {
              r = Math.max(r, lo);
            }
            if (hasMax) {
              r = Math.min(r, hi);
            }
            return r;
          }
        };
    return PointwiseSupport.ternary(TENSOR_OUT, in, min, max, out, compute, f);
  }
}
