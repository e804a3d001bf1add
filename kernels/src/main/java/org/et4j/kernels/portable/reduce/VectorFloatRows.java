package org.et4j.kernels.portable.reduce;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.portable.pointwise.FloatMath;
import org.et4j.kernels.portable.pointwise.VectorFloatMath;
import org.et4j.kernels.util.FixedOrderLanes;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API version of {@link FloatRows}; loaded only when {@link VectorSupport#enabled()}.
 * Sums are reassociated across lanes, so they differ from the scalar twin by rounding only, but
 * in one fixed order ({@link FixedOrderLanes}) that the JIT cannot change; exp is
 * {@link VectorFloatMath}'s, bit-identical to the tails' {@link FloatMath#exp}. Max, min and the
 * NaN rules are the same as the scalar twin's. Tails run in scalar code.
 */
final class VectorFloatRows implements FloatRows {
  private static final VectorSpecies<Float> F =
      switch (VectorSupport.forcedBits()) {
        case 128 -> FloatVector.SPECIES_128;
        case 256 -> FloatVector.SPECIES_256;
        case 512 -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
      };
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  VectorFloatRows() {}

  @Override
  public float sum(MemorySegment s, long off, int n) {
    int len = F.length();
    int bound = n - n % len;
    FloatVector acc = FloatVector.zero(F);
    int j = 0;
    for (; j < bound; j += len) {
      acc = acc.add(FloatVector.fromMemorySegment(F, s, (off + j) * 4, LE));
    }
    float r = FixedOrderLanes.sum(acc);
    for (; j < n; j++) {
      r += s.getAtIndex(F32, off + j);
    }
    return r;
  }

  @Override
  public float max(MemorySegment s, long off, int n) {
    int len = F.length();
    int bound = n - n % len;
    float r = s.getAtIndex(F32, off);
    int j = 0;
    if (bound > 0) {
      FloatVector acc = FloatVector.fromMemorySegment(F, s, off * 4, LE);
      for (j = len; j < bound; j += len) {
        // lanewise MAX follows Math.max: NaN wins, as in ExecuTorch's amax
        acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromMemorySegment(F, s, (off + j) * 4, LE));
      }
      r = acc.reduceLanes(VectorOperators.MAX);
    }
    for (; j < n; j++) {
      float v = s.getAtIndex(F32, off + j);
      r = Float.isNaN(v) || v > r ? v : r;
    }
    return r;
  }

  @Override
  public float min(MemorySegment s, long off, int n) {
    int len = F.length();
    int bound = n - n % len;
    float r = s.getAtIndex(F32, off);
    int j = 0;
    if (bound > 0) {
      FloatVector acc = FloatVector.fromMemorySegment(F, s, off * 4, LE);
      for (j = len; j < bound; j += len) {
        acc = acc.lanewise(VectorOperators.MIN, FloatVector.fromMemorySegment(F, s, (off + j) * 4, LE));
      }
      r = acc.reduceLanes(VectorOperators.MIN);
    }
    for (; j < n; j++) {
      float v = s.getAtIndex(F32, off + j);
      r = Float.isNaN(v) || v < r ? v : r;
    }
    return r;
  }

  @Override
  public int argExtreme(MemorySegment s, long off, int n, boolean max) {
    float target = max ? max(s, off, n) : min(s, off, n);
    if (Float.isNaN(target)) {
      for (int j = 0; ; j++) {
        if (Float.isNaN(s.getAtIndex(F32, off + j))) {
          return j;
        }
      }
    }
    // the first element equal to the extreme (-0.0 and 0.0 tie, as they do in the scalar rule)
    int len = F.length();
    int bound = n - n % len;
    int j = 0;
    for (; j < bound; j += len) {
      VectorMask<Float> eq = FloatVector.fromMemorySegment(F, s, (off + j) * 4, LE).compare(VectorOperators.EQ, target);
      if (eq.anyTrue()) {
        return j + eq.firstTrue();
      }
    }
    for (; j < n; j++) {
      if (s.getAtIndex(F32, off + j) == target) {
        return j;
      }
    }
    throw new IllegalStateException("extreme value not found in its own row");
  }

  /** Sum of exp(x - max) over the row; when {@code out} is not null the exps are stored there. */
  private static float expSum(
      MemorySegment in, long inOff, MemorySegment out, long outOff, int n, float max) {
    int len = F.length();
    int bound = n - n % len;
    FloatVector vmax = FloatVector.broadcast(F, max);
    FloatVector acc = FloatVector.zero(F);
    int j = 0;
    for (; j < bound; j += len) {
      FloatVector e =
          VectorFloatMath.exp(FloatVector.fromMemorySegment(F, in, (inOff + j) * 4, LE).sub(vmax));
      if (out != null) {
        e.intoMemorySegment(out, (outOff + j) * 4, LE);
      }
      acc = acc.add(e);
    }
    float sum = FixedOrderLanes.sum(acc);
    for (; j < n; j++) {
      float e = FloatMath.exp(in.getAtIndex(F32, inOff + j) - max);
      if (out != null) {
        out.setAtIndex(F32, outOff + j, e);
      }
      sum += e;
    }
    return sum;
  }

  @Override
  public void softmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n) {
    // NaN-propagating max; with a NaN in the row the sum is NaN either way, as in the scalar twin
    float max = max(in, inOff, n);
    float sum = expSum(in, inOff, out, outOff, n, max);
    int len = F.length();
    int bound = n - n % len;
    int j = 0;
    for (; j < bound; j += len) {
      FloatVector.fromMemorySegment(F, out, (outOff + j) * 4, LE)
          .div(sum)
          .intoMemorySegment(out, (outOff + j) * 4, LE);
    }
    for (; j < n; j++) {
      out.setAtIndex(F32, outOff + j, out.getAtIndex(F32, outOff + j) / sum);
    }
  }

  @Override
  public void logSoftmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n) {
    float max = max(in, inOff, n);
    float logSum = (float) Math.log(expSum(in, inOff, null, 0, n, max));
    int len = F.length();
    int bound = n - n % len;
    int j = 0;
    for (; j < bound; j += len) {
      FloatVector.fromMemorySegment(F, in, (inOff + j) * 4, LE)
          .sub(max)
          .sub(logSum)
          .intoMemorySegment(out, (outOff + j) * 4, LE);
    }
    for (; j < n; j++) {
      out.setAtIndex(F32, outOff + j, in.getAtIndex(F32, inOff + j) - max - logSum);
    }
  }
}
