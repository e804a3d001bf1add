package org.et4j.kernels.portable.norm;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.FixedOrderLanes;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API version of {@link LayerNormRows}; loaded only when
 * {@link VectorSupport#enabled()}. The sums are reassociated across lanes (and the squares fused
 * into the adds), so results differ from the scalar twin by rounding only; the lanes are summed
 * in one fixed order ({@link FixedOrderLanes}), so the JIT cannot change a bit. Tails run in
 * scalar code.
 */
final class VectorLayerNormRows implements LayerNormRows {
  private static final VectorSpecies<Float> F =
      switch (VectorSupport.forcedBits()) {
        case 128 -> FloatVector.SPECIES_128;
        case 256 -> FloatVector.SPECIES_256;
        case 512 -> FloatVector.SPECIES_512;
        default -> FloatVector.SPECIES_PREFERRED;
      };
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  VectorLayerNormRows() {}

  @Override
  public void row(
      MemorySegment in,
      long inOff,
      MemorySegment weight,
      MemorySegment bias,
      MemorySegment out,
      long outOff,
      int n,
      float eps,
      float[] stats) {
    int len = F.length();
    int bound = n - n % len;
    FloatVector vsum = FloatVector.zero(F);
    FloatVector vsq = FloatVector.zero(F);
    int j = 0;
    for (; j < bound; j += len) {
      FloatVector x = FloatVector.fromMemorySegment(F, in, (inOff + j) * 4, LE);
      vsum = vsum.add(x);
      vsq = x.fma(x, vsq);
    }
    float sum = FixedOrderLanes.sum(vsum);
    float sqSum = FixedOrderLanes.sum(vsq);
    for (; j < n; j++) {
      float x = in.getAtIndex(F32, inOff + j);
      sum += x;
      sqSum += x * x;
    }
    float mean = sum / n;
    float variance = sqSum / n - mean * mean;
    float std = (float) Math.sqrt(variance + eps);
    FloatVector vmean = FloatVector.broadcast(F, mean);
    FloatVector vstd = FloatVector.broadcast(F, std);
    for (j = 0; j < bound; j += len) {
      FloatVector y = FloatVector.fromMemorySegment(F, in, (inOff + j) * 4, LE).sub(vmean).div(vstd);
      if (weight != null) {
        y = y.mul(FloatVector.fromMemorySegment(F, weight, j * 4L, LE));
      }
      if (bias != null) {
        y = y.add(FloatVector.fromMemorySegment(F, bias, j * 4L, LE));
      }
      y.intoMemorySegment(out, (outOff + j) * 4, LE);
    }
    for (; j < n; j++) {
      float w = weight == null ? 1f : weight.getAtIndex(F32, j);
      float b = bias == null ? 0f : bias.getAtIndex(F32, j);
      out.setAtIndex(F32, outOff + j, (in.getAtIndex(F32, inOff + j) - mean) / std * w + b);
    }
    stats[0] = mean;
    stats[1] = std;
  }
}
