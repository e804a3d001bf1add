package org.et4j.kernels.portable.pointwise;

import static org.et4j.kernels.portable.pointwise.FloatMath.C2;
import static org.et4j.kernels.portable.pointwise.FloatMath.C3;
import static org.et4j.kernels.portable.pointwise.FloatMath.C4;
import static org.et4j.kernels.portable.pointwise.FloatMath.C5;
import static org.et4j.kernels.portable.pointwise.FloatMath.C6;
import static org.et4j.kernels.portable.pointwise.FloatMath.E0;
import static org.et4j.kernels.portable.pointwise.FloatMath.E1;
import static org.et4j.kernels.portable.pointwise.FloatMath.E2;
import static org.et4j.kernels.portable.pointwise.FloatMath.E3;
import static org.et4j.kernels.portable.pointwise.FloatMath.E4;
import static org.et4j.kernels.portable.pointwise.FloatMath.E5;
import static org.et4j.kernels.portable.pointwise.FloatMath.E6;
import static org.et4j.kernels.portable.pointwise.FloatMath.E7;
import static org.et4j.kernels.portable.pointwise.FloatMath.E8;
import static org.et4j.kernels.portable.pointwise.FloatMath.E9;
import static org.et4j.kernels.portable.pointwise.FloatMath.EXP_MAX;
import static org.et4j.kernels.portable.pointwise.FloatMath.EXP_MIN;
import static org.et4j.kernels.portable.pointwise.FloatMath.GELU_BETA;
import static org.et4j.kernels.portable.pointwise.FloatMath.GELU_KAPPA;
import static org.et4j.kernels.portable.pointwise.FloatMath.LN2_HI;
import static org.et4j.kernels.portable.pointwise.FloatMath.LN2_LO;
import static org.et4j.kernels.portable.pointwise.FloatMath.LOG2E;
import static org.et4j.kernels.portable.pointwise.FloatMath.ROUND_MAGIC;
import static org.et4j.kernels.portable.pointwise.FloatMath.ROUND_MAGIC_BITS;
import static org.et4j.kernels.portable.pointwise.FloatMath.SIGN;
import static org.et4j.kernels.portable.pointwise.FloatMath.SQRT1_2;
import static org.et4j.kernels.portable.pointwise.FloatMath.TANH_SATURATION;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The lanewise twin of {@link FloatMath}: the same constants and the same exactly rounded
 * operations in the same order, so every lane gets the bits {@link FloatMath} gives for it, in
 * the interpreter and in C2 alike (unlike {@code lanewise(VectorOperators.EXP)} and {@code TANH},
 * whose interpreted and intrinsic versions round differently). Only add, mul, fma, div,
 * compare/blend, sign-bit and integer shift operations, which C2 maps to single instructions.
 * The methods are small so that C2 inlines them into the callers' loops (a vector that crossed a
 * call that was not inlined would be boxed); callers pass vectors of a constant species.
 * Loaded only when the Vector API is enabled.
 */
public final class VectorFloatMath {
  private VectorFloatMath() {}

  static FloatVector expm1Reduced(FloatVector r) {
    FloatVector q = r.fma(C6, C5);
    q = q.fma(r, q.broadcast(C4));
    q = q.fma(r, q.broadcast(C3));
    q = q.fma(r, q.broadcast(C2));
    return q.fma(r.mul(r), r);
  }

  /** Lanewise {@link FloatMath#exp}. */
  public static FloatVector exp(FloatVector x) {
    x = x.blend(EXP_MIN, x.lt(EXP_MIN));
    x = x.blend(EXP_MAX, x.compare(VectorOperators.GT, EXP_MAX));
    FloatVector z = x.fma(LOG2E, ROUND_MAGIC);
    IntVector n = ((IntVector) z.viewAsIntegralLanes()).sub(ROUND_MAGIC_BITS);
    FloatVector nf = z.sub(ROUND_MAGIC);
    FloatVector r = nf.fma(x.broadcast(-LN2_HI), x);
    r = nf.fma(x.broadcast(-LN2_LO), r);
    FloatVector p = expm1Reduced(r);
    IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
    FloatVector s1 = (FloatVector) n1.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
    FloatVector s2 = (FloatVector) n.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
    return p.fma(s1, s1).mul(s2);
  }

  /** Lanewise {@link FloatMath#tanh}. */
  public static FloatVector tanh(FloatVector x) {
    FloatVector z = x.abs();
    z = z.blend(TANH_SATURATION, z.compare(VectorOperators.GT, TANH_SATURATION));
    FloatVector t = z.mul(-2f);
    FloatVector u = t.fma(LOG2E, ROUND_MAGIC);
    IntVector n = ((IntVector) u.viewAsIntegralLanes()).sub(ROUND_MAGIC_BITS);
    FloatVector nf = u.sub(ROUND_MAGIC);
    FloatVector r = nf.fma(t.broadcast(-LN2_HI), t);
    r = nf.fma(t.broadcast(-LN2_LO), r);
    FloatVector p = expm1Reduced(r);
    FloatVector s = (FloatVector) n.add(127).lanewise(VectorOperators.LSHL, 23).viewAsFloatingLanes();
    FloatVector y = s.fma(p, s.sub(1f)).neg().div(s.fma(p, s.add(1f)));
    IntVector magnitude = ((IntVector) y.viewAsIntegralLanes()).and(~SIGN);
    IntVector sign = ((IntVector) x.viewAsIntegralLanes()).and(SIGN);
    return (FloatVector) magnitude.or(sign).viewAsFloatingLanes();
  }

  /** Lanewise {@link FloatMath#sigmoid}. */
  public static FloatVector sigmoid(FloatVector x) {
    FloatVector e = exp(x.abs().neg());
    FloatVector numerator = e.blend(1f, x.compare(VectorOperators.GT, 0f));
    return numerator.div(e.add(1f));
  }

  /** Lanewise {@link FloatMath#geluErf}. */
  public static FloatVector geluErf(FloatVector x) {
    FloatVector z = x.abs().mul(SQRT1_2);
    FloatVector t = x.broadcast(1f).div(z.fma(0.5f, 1f));
    FloatVector p = t.fma(E9, E8);
    p = p.fma(t, x.broadcast(E7));
    p = p.fma(t, x.broadcast(E6));
    p = p.fma(t, x.broadcast(E5));
    p = p.fma(t, x.broadcast(E4));
    p = p.fma(t, x.broadcast(E3));
    p = p.fma(t, x.broadcast(E2));
    p = p.fma(t, x.broadcast(E1));
    p = p.fma(t, x.broadcast(E0));
    FloatVector halfErfc = exp(p.sub(z.mul(z))).mul(t).mul(0.5f);
    FloatVector phi = x.broadcast(1f).sub(halfErfc).blend(halfErfc, x.lt(0f));
    return x.mul(phi).blend(0f, x.eq(Float.NEGATIVE_INFINITY));
  }

  /** Lanewise {@link FloatMath#geluTanh}. */
  public static FloatVector geluTanh(FloatVector x) {
    FloatVector inner = x.mul(x).mul(x).fma(x.broadcast(GELU_KAPPA), x).mul(GELU_BETA);
    FloatVector r = x.mul(0.5f).mul(tanh(inner).add(1f));
    return r.blend(0f, x.eq(Float.NEGATIVE_INFINITY));
  }
}
