package org.et4j.kernels.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

class DtypeRulesTest {
  @Test
  void canCastFollowsExecuTorch() {
    assertThat(DtypeRules.canCast(ScalarType.INT, ScalarType.FLOAT)).isTrue();
    assertThat(DtypeRules.canCast(ScalarType.FLOAT, ScalarType.INT)).isFalse();
    assertThat(DtypeRules.canCast(ScalarType.INT, ScalarType.BOOL)).isFalse();
    assertThat(DtypeRules.canCast(ScalarType.BOOL, ScalarType.CHAR)).isTrue();
    assertThat(DtypeRules.canCast(ScalarType.DOUBLE, ScalarType.HALF)).isTrue();
    assertThat(DtypeRules.canCast(ScalarType.LONG, ScalarType.BYTE)).isTrue();
  }

  @Test
  void promotionWithScalar() {
    assertThat(DtypeRules.promoteWithScalar(ScalarType.INT, Value.ofDouble(1.5))).isEqualTo(ScalarType.FLOAT);
    assertThat(DtypeRules.promoteWithScalar(ScalarType.HALF, Value.ofDouble(1.5))).isEqualTo(ScalarType.HALF);
    assertThat(DtypeRules.promoteWithScalar(ScalarType.BOOL, Value.ofInt(2))).isEqualTo(ScalarType.LONG);
    assertThat(DtypeRules.promoteWithScalar(ScalarType.CHAR, Value.ofInt(1000))).isEqualTo(ScalarType.CHAR);
    assertThat(DtypeRules.promoteWithScalar(ScalarType.BOOL, Value.ofBool(true))).isEqualTo(ScalarType.BOOL);
    assertThat(DtypeRules.promoteWithScalar(ScalarType.BOOL, Value.ofDouble(1))).isEqualTo(ScalarType.FLOAT);
  }

  @Test
  void scalarConversionsToComputeTypes() {
    assertThat(DtypeRules.scalarAsLong(Value.ofDouble(-2.7), ScalarType.INT)).isEqualTo(-2);
    assertThat(DtypeRules.scalarAsLong(Value.ofInt(300), ScalarType.CHAR)).isEqualTo(44);
    assertThat(DtypeRules.scalarAsLong(Value.ofInt(-1), ScalarType.BYTE)).isEqualTo(255);
    assertThat(DtypeRules.scalarAsLong(Value.ofDouble(0.5), ScalarType.BOOL)).isEqualTo(1);
    assertThat(DtypeRules.scalarAsDouble(Value.ofDouble(0.1), ScalarType.FLOAT)).isEqualTo((double) 0.1f);
    assertThat(DtypeRules.scalarAsDouble(Value.ofInt((1L << 53) + 1), ScalarType.DOUBLE)).isEqualTo(0x1p53, within(2.0));
    assertThat(DtypeRules.computeType(ScalarType.BFLOAT16)).isEqualTo(ScalarType.FLOAT);
    assertThat(DtypeRules.wrap(ScalarType.SHORT, 40000)).isEqualTo(40000 - 65536);
  }
}
