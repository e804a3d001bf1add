package org.et4j.kernels.quantized;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;

/** The scalar reference for {@link DequantizeRows}. */
public final class ScalarDequantizeRows implements DequantizeRows {
  public static final ScalarDequantizeRows INSTANCE = new ScalarDequantizeRows();

  private ScalarDequantizeRows() {}

  @Override
  public void dequantize(MemorySegment src, MemorySegment dst, long from, long to, int zeroPoint, float scale, boolean unsigned) {
    int mask = unsigned ? 0xFF : -1;
    for (long i = from; i < to; i++) {
      int diff = (src.get(JAVA_BYTE, i) & mask) - zeroPoint;
      dst.setAtIndex(Elements.F32, i, (float) diff * scale);
    }
  }
}
