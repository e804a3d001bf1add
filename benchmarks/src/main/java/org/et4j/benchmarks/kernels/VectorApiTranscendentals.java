package org.et4j.benchmarks.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The peer of et4j's exp, sigmoid, tanh and GELU loops in {@link BandwidthBenchmark}: the same
 * loops written with the Vector API's own {@code lanewise(EXP)} and {@code lanewise(TANH)}, as
 * et4j's kernels were before they got their own exactly rounded approximations (which the JIT
 * cannot change). Whole vectors only: the benchmark sizes are multiples of every width.
 */
final class VectorApiTranscendentals {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final long VBYTES = (long) F.length() * Float.BYTES;
  // erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), as et4j's GELU uses it
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

  private VectorApiTranscendentals() {}

  static void exp(MemorySegment a, MemorySegment out, long n) {
    for (long o = 0; o < n * Float.BYTES; o += VBYTES) {
      FloatVector.fromMemorySegment(F, a, o, LE).lanewise(VectorOperators.EXP).intoMemorySegment(out, o, LE);
    }
  }

  static void tanh(MemorySegment a, MemorySegment out, long n) {
    for (long o = 0; o < n * Float.BYTES; o += VBYTES) {
      FloatVector.fromMemorySegment(F, a, o, LE).lanewise(VectorOperators.TANH).intoMemorySegment(out, o, LE);
    }
  }

  static void sigmoid(MemorySegment a, MemorySegment out, long n) {
    FloatVector one = FloatVector.broadcast(F, 1f);
    for (long o = 0; o < n * Float.BYTES; o += VBYTES) {
      FloatVector e = FloatVector.fromMemorySegment(F, a, o, LE).neg().lanewise(VectorOperators.EXP);
      one.div(one.add(e)).intoMemorySegment(out, o, LE);
    }
  }

  static void gelu(MemorySegment a, MemorySegment out, long n) {
    float sqrtHalf = (float) Math.sqrt(0.5);
    for (long o = 0; o < n * Float.BYTES; o += VBYTES) {
      FloatVector x = FloatVector.fromMemorySegment(F, a, o, LE);
      FloatVector z = x.abs().mul(sqrtHalf);
      FloatVector t = FloatVector.broadcast(F, 1f).div(z.mul(0.5f).add(1f));
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
      x.mul(phi).blend(0f, x.eq(Float.NEGATIVE_INFINITY)).intoMemorySegment(out, o, LE);
    }
  }
}
