package org.et4j.runtime.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import org.et4j.runtime.ScalarType;
import org.junit.jupiter.api.Test;

/** What a planned tensor may promise about being a rearranged program constant. */
class ConstantDerivationTest {
  private static final int[] TRANSPOSE = {1, 0};

  private static TensorImpl weight(Arena arena) {
    return TensorImpl.programConstant(ScalarType.FLOAT, new int[] {2, 3}, new int[] {0, 1}, arena.allocate(24));
  }

  @Test
  void aTransposeOfAConstantIsRecorded() {
    try (Arena arena = Arena.ofConfined()) {
      TensorImpl w = weight(arena);
      TensorImpl planned = TensorImpl.contiguous(ScalarType.FLOAT, new int[] {3, 2}, arena.allocate(24));
      planned.deriveFromConstant(new ConstantDerivation(w, TRANSPOSE));
      assertThat(planned.constantDerivation()).isNotNull();
      assertThat(planned.constantDerivation().constant()).isSameAs(w);
    }
  }

  @Test
  void aMoveTargetNeverCarriesADerivation() {
    try (Arena arena = Arena.ofConfined()) {
      TensorImpl w = weight(arena);
      TensorImpl planned = TensorImpl.contiguous(ScalarType.FLOAT, new int[] {3, 2}, arena.allocate(24));
      planned.refuseConstantDerivation();
      planned.deriveFromConstant(new ConstantDerivation(w, TRANSPOSE));
      assertThat(planned.constantDerivation()).isNull();
    }
  }

  @Test
  void aShapeThatIsNotThePermutedConstantIsRefused() {
    try (Arena arena = Arena.ofConfined()) {
      TensorImpl w = weight(arena);
      TensorImpl planned = TensorImpl.contiguous(ScalarType.FLOAT, new int[] {2, 3}, arena.allocate(24));
      assertThatThrownBy(() -> planned.deriveFromConstant(new ConstantDerivation(w, TRANSPOSE)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
