package org.et4j.kernels.nhwc;

import static org.assertj.core.api.Assertions.assertThat;

import org.et4j.kernels.util.VectorSupport;
import org.junit.jupiter.api.Test;

/** The NHWC kernels follow {@code et4j.vector}, so each surefire run tests the path it names. */
class NhwcKernelsSelectionTest {
  @Test
  void selectionFollowsTheVectorProperty() {
    if (VectorSupport.enabled()) {
      assertThat(NhwcKernels.chosen().name()).startsWith("vector");
      if (VectorSupport.forcedBits() != 0) {
        assertThat(NhwcKernels.chosen().name()).contains(VectorSupport.forcedBits() + "-bit");
      }
    } else {
      assertThat(NhwcKernels.chosen()).isSameAs(NhwcKernels.scalar());
    }
  }
}
