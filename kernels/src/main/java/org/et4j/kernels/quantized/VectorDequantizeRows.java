package org.et4j.kernels.quantized;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API version of {@link DequantizeRows}: 16 bytes at a time are widened to ints (in
 * one to four parts, depending on the int width), offset, converted and scaled. Loaded only when
 * {@link VectorSupport#enabled()}. The tail runs in the scalar twin.
 */
final class VectorDequantizeRows implements DequantizeRows {
  private static final VectorSpecies<Byte> B = ByteVector.SPECIES_128;
  private static final VectorSpecies<Integer> I =
      switch (VectorSupport.forcedBits()) {
        case 128 -> IntVector.SPECIES_128;
        case 256 -> IntVector.SPECIES_256;
        case 512 -> IntVector.SPECIES_512;
        default -> IntVector.SPECIES_PREFERRED;
      };
  private static final int PARTS = B.length() / I.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  VectorDequantizeRows() {}

  @Override
  public void dequantize(MemorySegment src, MemorySegment dst, long from, long to, int zeroPoint, float scale, boolean unsigned) {
    long i = from;
    long bound = to - (to - from) % B.length();
    int lanes = I.length();
    int mask = unsigned ? 0xFF : -1;
    for (; i < bound; i += B.length()) {
      ByteVector b = ByteVector.fromMemorySegment(B, src, i, LE);
      long o = i * 4;
      // constant part numbers, so that every conversion is intrinsified
      if (PARTS == 1) {
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 0)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o, LE);
      } else if (PARTS == 2) {
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 0)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o, LE);
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 1)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o + 4L * lanes, LE);
      } else {
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 0)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o, LE);
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 1)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o + 4L * lanes, LE);
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 2)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o + 8L * lanes, LE);
        ((FloatVector) ((IntVector) b.convertShape(VectorOperators.B2I, I, 3)).and(mask).sub(zeroPoint)
                .convert(VectorOperators.I2F, 0))
            .mul(scale)
            .intoMemorySegment(dst, o + 12L * lanes, LE);
      }
    }
    ScalarDequantizeRows.INSTANCE.dequantize(src, dst, i, to, zeroPoint, scale, unsigned);
  }
}
