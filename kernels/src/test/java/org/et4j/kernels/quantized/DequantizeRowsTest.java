package org.et4j.kernels.quantized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The vector int8/uint8 dequantize loop gives the scalar twin's bits, over every tail. */
class DequantizeRowsTest {
  @Test
  void vectorMatchesScalarBitForBit() {
    DequantizeRows scalar = ScalarDequantizeRows.INSTANCE;
    DequantizeRows vector = new VectorDequantizeRows();
    try (Arena arena = Arena.ofConfined()) {
      for (int n : new int[] {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 129}) {
        MemorySegment q = arena.allocate(n + 3, 1);
        for (int i = 0; i < n + 3; i++) {
          q.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 37 + 11));
        }
        for (boolean unsigned : new boolean[] {false, true}) {
          for (int from : new int[] {0, 3}) {
            MemorySegment a = arena.allocate(4L * (n + 3), 4);
            MemorySegment b = arena.allocate(4L * (n + 3), 4);
            scalar.dequantize(q, a, from, from + n, unsigned ? 128 : -3, 0.0123f, unsigned);
            vector.dequantize(q, b, from, from + n, unsigned ? 128 : -3, 0.0123f, unsigned);
            for (int i = from; i < from + n; i++) {
              assertThat(Float.floatToRawIntBits(b.getAtIndex(F32, i)))
                  .as("n=%d i=%d unsigned=%s", n, i, unsigned)
                  .isEqualTo(Float.floatToRawIntBits(a.getAtIndex(F32, i)));
            }
          }
        }
      }
    }
  }
}
