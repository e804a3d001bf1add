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
 * exp, tanh, sigmoid and GELU are {@link VectorFloatMath}'s, the lanewise twin of the tails'
 * {@link FloatMath}: bit-identical to the scalar loops whatever the JIT state and wherever a
 * thread split puts the tails.
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
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      VectorFloatMath.sigmoid(FloatVector.fromMemorySegment(F, a, o, LE)).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.sigmoid(a, out, end, n);
  }

  @Override
  public void tanh(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      VectorFloatMath.tanh(FloatVector.fromMemorySegment(F, a, o, LE)).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.tanh(a, out, end, n);
  }

  @Override
  public void exp(MemorySegment a, MemorySegment out, long n) {
    long end = bound(n);
    for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
      VectorFloatMath.exp(FloatVector.fromMemorySegment(F, a, o, LE)).intoMemorySegment(out, o, LE);
    }
    ScalarFloatPointwise.exp(a, out, end, n);
  }

  @Override
  public void gelu(MemorySegment a, MemorySegment out, long n, boolean tanhApproximation) {
    long end = bound(n);
    if (tanhApproximation) {
      for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
        VectorFloatMath.geluTanh(FloatVector.fromMemorySegment(F, a, o, LE)).intoMemorySegment(out, o, LE);
      }
    } else {
      for (long i = 0, o = 0; i < end; i += STEP, o += VBYTES) {
        VectorFloatMath.geluErf(FloatVector.fromMemorySegment(F, a, o, LE)).intoMemorySegment(out, o, LE);
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
