package org.et4j.kernels.gemm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The geometry record of {@link Sgemm#multiply}: its defaults, its withers and its checks. */
class GemmShapeTest {
  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

  @Test
  void ofIsADenseRowMajorProductWithoutAddend() {
    assertThat(GemmShape.of(3, 5, 7))
        .isEqualTo(new GemmShape(3, 5, 7, 1f, false, 7, false, 5, 0f, 0, 0, 5));
  }

  @Test
  void eachWitherChangesOnlyItsOwnFields() {
    GemmShape s = GemmShape.of(3, 5, 7).transposeA(9).transposeB(11).scaled(2f).addend(0.5f, 0, 1);
    assertThat(s).isEqualTo(new GemmShape(3, 5, 7, 2f, true, 9, true, 11, 0.5f, 0, 1, 5));
    assertThat(s.leadingDimensions(20, 21, 22))
        .isEqualTo(new GemmShape(3, 5, 7, 2f, true, 20, true, 21, 0.5f, 0, 1, 22));
    assertThat(GemmShape.of(3, 5, 7).accumulate(1f).addendRowStride()).isEqualTo(5);
  }

  @Test
  void negativeSizesAreRefusedWhenTheShapeIsMade() {
    assertThatThrownBy(() -> GemmShape.of(-1, 2, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("m=-1");
    assertThatThrownBy(() -> GemmShape.of(1, 2, -3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNullShapeIsAnArgumentError() {
    assertThatThrownBy(() -> Sgemm.get().multiply(null, null, 0, null, 0, null, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sgemm.scalar().multiply(null, null, 0, null, 0, null, 0, null, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** linear's form: x [2, 3] @ W^T (W [4, 3]) + bias row, against the definition. */
  @Test
  void aBiasRowAndATransposedRightOperandFollowTheDefinition() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment x = floats(arena, 1, 2, 3, 4, 5, 6);
      MemorySegment w = floats(arena, 1, 0, -1, 2, 1, 0, 0, 0, 3, -2, 1, 1);
      MemorySegment bias = floats(arena, 10, 20, 30, 40);
      MemorySegment c = arena.allocate(8 * 4L);
      GemmShape linear = GemmShape.of(2, 4, 3).transposeB(3).addend(1f, 0, 1);
      for (Sgemm g : new Sgemm[] {Sgemm.get(), Sgemm.scalar()}) {
        g.multiply(linear, x, 0, w, 0, bias, 0, c, 0);
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 4; j++) {
            float expected = bias.getAtIndex(F, j);
            for (int p = 0; p < 3; p++) {
              expected += x.getAtIndex(F, i * 3 + p) * w.getAtIndex(F, j * 3 + p);
            }
            assertThat(c.getAtIndex(F, i * 4 + j)).as("%s C(%d, %d)", g.name(), i, j).isEqualTo(expected);
          }
        }
      }
    }
  }

  private static MemorySegment floats(Arena arena, float... v) {
    MemorySegment s = arena.allocate(v.length * 4L);
    for (int i = 0; i < v.length; i++) {
      s.setAtIndex(F, i, v[i]);
    }
    return s;
  }
}
