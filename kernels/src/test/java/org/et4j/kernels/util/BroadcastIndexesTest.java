package org.et4j.kernels.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

class BroadcastIndexesTest {
  @Test
  void broadcastShapeFollowsNumpy() {
    assertThat(BroadcastIndexes.broadcastShape("op", new int[] {2, 1, 4}, new int[] {3, 1})).containsExactly(2, 3, 4);
    assertThat(BroadcastIndexes.broadcastShape("op", new int[] {}, new int[] {5})).containsExactly(5);
    assertThat(BroadcastIndexes.broadcastShape("op", new int[] {0, 3}, new int[] {1, 3})).containsExactly(0, 3);
    assertThat(BroadcastIndexes.broadcastShape("op", new int[] {2}, new int[] {2}, new int[] {1, 2})).containsExactly(1, 2);
    assertThatThrownBy(() -> BroadcastIndexes.broadcastShape("aten::x", new int[] {2}, new int[] {3}))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::x")
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void walkGivesBroadcastOffsetsInOutputOrder() {
    TensorImpl a = OpHarness.empty(ScalarType.FLOAT, 2, 1);
    TensorImpl b = OpHarness.empty(ScalarType.FLOAT, 3);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.FLOAT, 6, 1, 1);
    BroadcastIndexes it = BroadcastIndexes.of("op", out, a, b);
    it.resizeOutToBroadcast();
    assertThat(out.sizes()).containsExactly(2, 3);
    assertThat(it.isFlat()).isFalse();
    List<String> seen = new ArrayList<>();
    it.reset();
    for (long i = 0; i < it.numel(); i++) {
      seen.add(it.offset(0) + ":" + it.offset(1) + ":" + it.offset(2));
      it.advance();
    }
    assertThat(seen).containsExactly("0:0:0", "1:0:1", "2:0:2", "3:1:0", "4:1:1", "5:1:2");
    assertThat(it.innerSize()).isEqualTo(3);
    assertThat(it.innerStride(1)).isZero();
    assertThat(it.innerStride(2)).isEqualTo(1);
    it.reset();
    it.advanceRow();
    assertThat(it.offset(0)).isEqualTo(3);
    assertThat(it.offset(1)).isEqualTo(1);
    assertThat(it.offset(2)).isZero();
  }

  @Test
  void sameShapeAndLeadingOnesAreFlat() {
    TensorImpl a = OpHarness.empty(ScalarType.FLOAT, 1, 2, 3);
    TensorImpl b = OpHarness.empty(ScalarType.FLOAT, 2, 3);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 1, 2, 3);
    BroadcastIndexes it = BroadcastIndexes.of("op", out, a, b);
    it.resizeOutToBroadcast();
    assertThat(it.isFlat()).isTrue();
  }

  @Test
  void preparesAgainOnlyWhenAShapeMoves() {
    TensorImpl a = OpHarness.dynamicOut(ScalarType.FLOAT, 8, 2);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.FLOAT, 8, 2);
    BroadcastIndexes it = BroadcastIndexes.of("op", out, a);
    it.resizeOutLike(0);
    assertThat(it.isPrepared()).isTrue();
    a.resize(5);
    assertThat(it.isPrepared()).isFalse();
    it.resizeOutLike(0);
    assertThat(out.sizes()).containsExactly(5);
    assertThat(it.isPrepared()).isTrue();
  }

  @Test
  void staticOutputCannotTakeABroadcastShape() {
    TensorImpl a = OpHarness.empty(ScalarType.FLOAT, 2, 3);
    TensorImpl out = OpHarness.empty(ScalarType.FLOAT, 3, 2);
    BroadcastIndexes it = BroadcastIndexes.of("aten::y", out, a);
    assertThatThrownBy(it::resizeOutToBroadcast)
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("aten::y")
        .satisfies(e -> assertThat(((ExecuTorchException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
