package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link BundledProgram#compare}: integers as integers, infinities, NaN positions, the worst element. */
class OutputComparisonTest {
  private static BundledProgram.OutputComparison compare(Tensor actual, Tensor expected, double rtol, double atol) {
    return BundledProgram.compare(0, EValue.from(actual), EValue.from(expected), rtol, atol);
  }

  @Test
  void int64AndUint64AreComparedAsIntegersNotThroughDouble() {
    long big = (1L << 60) + 1;
    // (double) big == (double) (big + 1): a comparison through double would call them equal.
    assertThat(compare(Tensor.fromArray(new long[] {big}, 1), Tensor.fromArray(new long[] {big + 1}, 1), 1, 1).passed())
        .isFalse();
    assertThat(compare(Tensor.fromArray(new long[] {big}, 1), Tensor.fromArray(new long[] {big}, 1), 0, 0).passed())
        .isTrue();
    Tensor u1 = Tensor.fromSegment(ScalarType.UINT64, java.lang.foreign.MemorySegment.ofArray(new long[] {-1L}), 1);
    Tensor u2 = Tensor.fromSegment(ScalarType.UINT64, java.lang.foreign.MemorySegment.ofArray(new long[] {-2L}), 1);
    var c = compare(u2, u1, 0, 0);
    assertThat(c.passed()).isFalse();
    assertThat(c.detail()).contains("got 18446744073709551614").contains("expected 18446744073709551615");
  }

  @Test
  void infinityEqualsTheSameInfinityOnly() {
    float inf = Float.POSITIVE_INFINITY;
    Tensor e = Tensor.fromArray(new float[] {inf, -inf}, 2);
    assertThat(compare(Tensor.fromArray(new float[] {inf, -inf}, 2), e, 0, 0).passed()).isTrue();
    assertThat(compare(Tensor.fromArray(new float[] {-inf, -inf}, 2), e, 1, 1).passed()).isFalse();
    // A relative tolerance times an infinite expectation does not admit a finite value.
    assertThat(compare(Tensor.fromArray(new float[] {1e30f, -inf}, 2), e, 1e-3, 1e-3).passed()).isFalse();
  }

  @Test
  void nanMatchesNanOnlyAtTheSamePositions() {
    float nan = Float.NaN;
    Tensor e = Tensor.fromArray(new float[] {nan, 1}, 2);
    assertThat(compare(Tensor.fromArray(new float[] {nan, 1}, 2), e, 0, 0).passed()).isTrue();
    assertThat(compare(Tensor.fromArray(new float[] {1, nan}, 2), e, 1, 1).passed()).isFalse();
    assertThat(compare(Tensor.fromArray(new float[] {0, 1}, 2), e, 1, 1).passed()).isFalse();
  }

  @Test
  void theReportedElementIsTheWorstOne() {
    Tensor e = Tensor.fromArray(new float[] {1, 2, 3, 4}, 4);
    var c = compare(Tensor.fromArray(new float[] {1.5f, 2, 13, 4.5f}, 4), e, 0, 0.1);
    assertThat(c.passed()).isFalse();
    assertThat(c.detail()).startsWith("element 2: got 13.0, expected 3.0").contains("3 of 4 elements outside");
    var ints = compare(Tensor.fromArray(new int[] {1, 9, 3}, 3), Tensor.fromArray(new int[] {2, 2, 2}, 3), 0, 0);
    assertThat(ints.detail()).startsWith("element 1: got 9, expected 2").contains("3 of 3 elements differ");
  }
}
