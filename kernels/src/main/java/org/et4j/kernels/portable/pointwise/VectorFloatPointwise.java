package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.VectorSupport;

/**
 * Vector API float32 pointwise loops; tails run in {@link ScalarFloatPointwise}, the reference.
 * Loaded only when {@link VectorSupport#enabled()}; the species is a constant chosen from
 * {@link VectorSupport#forcedBits()}. Each loop is one monolithic method so that C2 keeps the
 * vectors in registers.
 */
final class VectorFloatPointwise implements FloatPointwise {
  static final VectorSpecies<Float> F = floatSpecies();
  /** A byte species with at least as many lanes as {@link #F} (64 bits at least). */
  static final VectorSpecies<Byte> B = byteSpecies();

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final int STEP = F.length();
  private static final long VBYTES = (long) STEP * Float.BYTES;

  // Erfc rational approximation (Numerical Recipes' erfcc, fractional error < 1.2e-7).
  private static final float E0 = -1.26551223f;
  private static final float E1 = 1.00002368f;
  private static final float E2 = 0.37409196f;
  private static final float E3 = 0.09678418f;
  private static final float E4 = -0.18628806f;
  private static final float E5 = 0.27886807f;
  private static final float E6 = -1.13520398f;
  private static final float E7 = 1.48851587f;
  private static final float E8 = -0.82215223f;
  private static final float E9 = 0.17087277f;

  private static VectorSpecies<Float> floatSpecies() {
    int bits = VectorSupport.forcedBits();
    return bits == 0
        ? FloatVector.SPECIES_PREFERRED
        : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }

  private static VectorSpecies<Byte> byteSpecies() {
    int bits = Math.max(64, floatSpecies().length() * 8);
    return VectorSpecies.of(byte.class, VectorShape.forBitSize(bits));
  }

  private static long bound(long n) {
    return n - n % STEP;
  }

  @Override
  public void add(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n) {
    long end = bound(n);
    if (alpha == 1f) {
      for (long i = 0; i < end; i += STEP) {
        FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
        FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
        va.add(vb).intoMemorySegment(out, (oi + i) * 4, LE);
      }
    } else {
      for (long i = 0; i < end; i += STEP) {
        FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
        FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
        va.add(vb.mul(alpha)).intoMemorySegment(out, (oi + i) * 4, LE);
      }
    }
    ScalarFloatPointwise.add(a, ai, b, bi, alpha, out, oi, end, n);
  }

  @Override
  public void addScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    long end = bound(n);
    for (long i = 0; i < end; i += STEP) {
      FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE).add(s).intoMemorySegment(out, (oi + i) * 4, LE);
    }
    ScalarFloatPointwise.addScalar(a, ai, s, out, oi, end, n);
  }

  @Override
  public void sub(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n) {
    long end = bound(n);
    if (alpha == 1f) {
      for (long i = 0; i < end; i += STEP) {
        FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
        FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
        va.sub(vb).intoMemorySegment(out, (oi + i) * 4, LE);
      }
    } else {
      for (long i = 0; i < end; i += STEP) {
        FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
        FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
        va.sub(vb.mul(alpha)).intoMemorySegment(out, (oi + i) * 4, LE);
      }
    }
    ScalarFloatPointwise.sub(a, ai, b, bi, alpha, out, oi, end, n);
  }

  @Override
  public void mul(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n) {
    long end = bound(n);
    for (long i = 0; i < end; i += STEP) {
      FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
      FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
      va.mul(vb).intoMemorySegment(out, (oi + i) * 4, LE);
    }
    ScalarFloatPointwise.mul(a, ai, b, bi, out, oi, end, n);
  }

  @Override
  public void mulScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    long end = bound(n);
    for (long i = 0; i < end; i += STEP) {
      FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE).mul(s).intoMemorySegment(out, (oi + i) * 4, LE);
    }
    ScalarFloatPointwise.mulScalar(a, ai, s, out, oi, end, n);
  }

  @Override
  public void div(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n) {
    long end = bound(n);
    for (long i = 0; i < end; i += STEP) {
      FloatVector va = FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE);
      FloatVector vb = FloatVector.fromMemorySegment(F, b, (bi + i) * 4, LE);
      va.div(vb).intoMemorySegment(out, (oi + i) * 4, LE);
    }
    ScalarFloatPointwise.div(a, ai, b, bi, out, oi, end, n);
  }

  @Override
  public void divScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    long end = bound(n);
    for (long i = 0; i < end; i += STEP) {
      FloatVector.fromMemorySegment(F, a, (ai + i) * 4, LE).div(s).intoMemorySegment(out, (oi + i) * 4, LE);
    }
    ScalarFloatPointwise.divScalar(a, ai, s, out, oi, end, n);
  }

  @Override
  public void relu(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    FloatVector zero = FloatVector.zero(F);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector v = FloatVector.fromMemorySegment(F, a, o, LE);
      v.blend(zero, v.lt(0f)).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.relu(a, out, end, n);
  }

  @Override
  public void sigmoid(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    FloatVector one = FloatVector.broadcast(F, 1f);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector v = FloatVector.fromMemorySegment(F, a, o, LE);
      FloatVector e = v.neg().lanewise(VectorOperators.EXP);
      one.div(one.add(e)).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.sigmoid(a, out, end, n);
  }

  @Override
  public void tanh(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector.fromMemorySegment(F, a, o, LE)
          .lanewise(VectorOperators.TANH)
          .intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.tanh(a, out, end, n);
  }

  @Override
  public void exp(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector.fromMemorySegment(F, a, o, LE)
          .lanewise(VectorOperators.EXP)
          .intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.exp(a, out, end, n);
  }

  @Override
  public void gelu(MemorySegment a, MemorySegment out, long n, boolean tanhApproximation) {
    long end = bound(n);
    if (tanhApproximation) {
      float beta = ScalarFloatPointwise.GELU_BETA;
      float kappa = ScalarFloatPointwise.GELU_KAPPA;
      for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
        FloatVector x = FloatVector.fromMemorySegment(F, a, o, LE);
        FloatVector inner = x.mul(x).mul(x).mul(kappa).add(x).mul(beta);
        FloatVector t = inner.lanewise(VectorOperators.TANH).add(1f);
        FloatVector r = x.mul(0.5f).mul(t);
        r = r.blend(0f, x.eq(Float.NEGATIVE_INFINITY));
        r.intoMemorySegment(out, o, LE);
      }
    } else {
      float sqrtHalf = (float) ScalarFloatPointwise.SQRT1_2;
      for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
        FloatVector x = FloatVector.fromMemorySegment(F, a, o, LE);
        // Phi(x) = 1 - erfc(z)/2 for x >= 0 and erfc(z)/2 for x < 0, z = |x|/sqrt(2).
        FloatVector z = x.abs().mul(sqrtHalf);
        FloatVector t = z.mul(0.5f).add(1f);
        t = FloatVector.broadcast(F, 1f).div(t);
        FloatVector p = t.mul(E9).add(E8);
        p = p.mul(t).add(E7);
        p = p.mul(t).add(E6);
        p = p.mul(t).add(E5);
        p = p.mul(t).add(E4);
        p = p.mul(t).add(E3);
        p = p.mul(t).add(E2);
        p = p.mul(t).add(E1);
        p = p.mul(t).add(E0);
        FloatVector halfErfc = p.sub(z.mul(z)).lanewise(VectorOperators.EXP).mul(t).mul(0.5f);
        FloatVector phi = halfErfc.neg().add(1f).blend(halfErfc, x.lt(0f));
        FloatVector r = x.mul(phi).blend(0f, x.eq(Float.NEGATIVE_INFINITY));
        r.intoMemorySegment(out, o, LE);
      }
    }
    ScalarFloatPointwise.gelu(a, out, end, n, tanhApproximation);
  }

  @Override
  public void hardswish(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    float sixth = ScalarFloatPointwise.SIXTH;
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector x = FloatVector.fromMemorySegment(F, a, o, LE);
      FloatVector r = x.fma(sixth, 0.5f);
      // Compare-and-blend, not max/min: a NaN lane becomes 0 as with x86 maxps, then NaN * 0...
      // gives NaN again through the final multiply by x, as in the scalar twin.
      r = r.blend(0f, r.compare(VectorOperators.GT, 0f).not());
      r = r.blend(1f, r.compare(VectorOperators.LT, 1f).not());
      r.mul(x).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.hardswish(a, out, end, n);
  }

  @Override
  public void clamp(MemorySegment a, float lo, float hi, MemorySegment out, long n) {
    long end = bound(n);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      FloatVector x = FloatVector.fromMemorySegment(F, a, o, LE);
      FloatVector r = x.blend(lo, x.lt(lo));
      r = r.blend(hi, r.compare(VectorOperators.GT, hi));
      r.intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.clamp(a, lo, hi, out, end, n);
  }

  @Override
  public void where(MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out, long n) {
    int blockLanes = B.length();
    long end = n - n % blockLanes;
    for (long i = 0; i < end; i += blockLanes) {
      long bits = ByteVector.fromMemorySegment(B, cond, i, LE).compare(VectorOperators.NE, 0).toLong();
      for (int j = 0; j < blockLanes; j += STEP) {
        long o = (i + j) * Float.BYTES;
        VectorMask<Float> m = VectorMask.fromLong(F, bits >>> j);
        FloatVector va = FloatVector.fromMemorySegment(F, a, o, LE);
        FloatVector vb = FloatVector.fromMemorySegment(F, b, o, LE);
        vb.blend(va, m).intoMemorySegment(out, o, LE);
      }
    }
    ScalarFloatPointwise.where(cond, a, b, out, end, n);
  }
}
