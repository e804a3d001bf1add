package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A known gap explains only the failure it states: its error code and what it names. */
class KnownGapsTest {
  private static final KnownGaps GAPS = KnownGaps.parse(
      "# comment\n"
          + "mlp.xnnpack  NotSupported  XnnpackBackend  node kind not run yet\n"
          + "attention.portable  Mismatch  output=1  softmax summation order\n",
      "test");

  @Test
  void aGapExplainsOnlyItsOwnErrorCodeAndSubject() {
    KnownGaps.Gap xnn = GAPS.gap("mlp.xnnpack");
    assertThat(xnn.explains("method forward: NotSupported (0x10): XnnpackBackend payload: node 3 ...")).isTrue();
    // Same backend, other error: not this gap.
    assertThat(xnn.explains("method forward: InvalidProgram (0x23): XnnpackBackend payload truncated")).isFalse();
    // Same error, another operator.
    assertThat(xnn.explains("method forward: NotSupported (0x10): aten::foo.out")).isFalse();
    // A wrong output is not an unsupported node.
    assertThat(xnn.explains("method forward case 0: output 0: element 3: got 1.0 ... XnnpackBackend")).isFalse();
  }

  @Test
  void aMismatchGapExplainsOnlyAnOutputOutsideItsTolerance() {
    KnownGaps.Gap mismatch = GAPS.gap("attention.portable");
    assertThat(mismatch.explains("method forward case 2: output 1: element 7: got 0.5, expected 0.25")).isTrue();
    assertThat(mismatch.explains("method forward case 2: output 0: element 7: got 0.5, expected 0.25")).isFalse();
    assertThat(mismatch.explains("method forward: OperatorMissing (0x14): output 1 of aten::x.out")).isFalse();
  }

  @Test
  void malformedLinesAreRejectedNamingTheLine() {
    assertThatThrownBy(() -> KnownGaps.parse("mlp.xnnpack  just a reason\n", "gaps.txt"))
        .hasMessageContaining("gaps.txt line 1").hasMessageContaining("neither an ExecuTorch error name");
    assertThatThrownBy(() -> KnownGaps.parse("mlp.xnnpack  NotSupported\n", "gaps.txt"))
        .hasMessageContaining("line 1");
  }
}
