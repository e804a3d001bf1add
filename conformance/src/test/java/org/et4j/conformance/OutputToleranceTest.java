package org.et4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tolerances per output, derived from the program: the instructions that feed each output, and the
 * reduction length of each matrix product among them.
 */
class OutputToleranceTest {
  private static final Path FIXTURES = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures");

  private static List<String> feedingOperators(String model, String variant, int output) {
    ProgramGraph g = ProgramGraph.read(FIXTURES.resolve(model).resolve(model + "." + variant + ".bpte"), "forward");
    return g.feeding(output).stream().map(ProgramGraph.Node::operator).toList();
  }

  private static Tolerance tolerance(String model, String variant, int output) {
    ProgramGraph g = ProgramGraph.read(FIXTURES.resolve(model).resolve(model + "." + variant + ".bpte"), "forward");
    return Tolerance.forOutput(g.feeding(output), g, d -> List.of(), d -> 1, 0);
  }

  @Test
  void anAddmmLoosensOnlyTheOutputsItFeeds() {
    // half_bf16: h = relu(linear16(a)) * 0.5 + a (addmm), s = softmax(b * scale) (no product).
    assertThat(feedingOperators("half_bf16", "portable", 0)).contains("aten::addmm.out");
    assertThat(feedingOperators("half_bf16", "portable", 1))
        .contains("aten::_softmax.out")
        .doesNotContain("aten::addmm.out", "aten::relu.out");
    Tolerance softmaxOnly = tolerance("half_bf16", "portable", 1);
    assertThat(softmaxOnly.rtol()).isEqualTo(Tolerance.Family.REDUCTION.rtol);
    assertThat(softmaxOnly.atolPerScale()).isEqualTo(Tolerance.Family.REDUCTION.atol);
  }

  @Test
  void matrixProductsContributeTheBoundOfTheirOwnReductionLengths() {
    // mlp: 20 -> 64 -> 32 -> 4, three addmm with k = 20, 64 and 32.
    Tolerance t = tolerance("mlp", "portable", 0);
    double bound = Tolerance.reductionBound(20) + Tolerance.reductionBound(64) + Tolerance.reductionBound(32);
    assertThat(t.rtol()).isEqualTo(bound);
    assertThat(t.atolPerScale()).isEqualTo(bound);
    assertThat(bound).isLessThan(Tolerance.Family.MATMUL.rtol);
  }

  @Test
  void anOutputOfASeveralOutputCallIsFedByThatCall() throws Exception {
    // native_layer_norm.out's arguments end with its three out tensors and then one tensor list
    // of them, its return value: the method's output is an item of that list. Before the list's
    // items counted as written, no instruction fed the output and it was compared exactly.
    Path packed = Path.of(System.getProperty("et4j.repo.dir", "..")).resolve("conformance/fixtures-ops/layer_norm.bpte.gz");
    Path bpte = java.nio.file.Files.createTempFile("layer_norm", ".bpte");
    try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(packed))) {
      java.nio.file.Files.write(bpte, in.readAllBytes());
      ProgramGraph g = ProgramGraph.read(bpte, "all");
      assertThat(g.feeding(1).stream().map(ProgramGraph.Node::operator)).contains("aten::native_layer_norm.out");
      Tolerance t = Tolerance.forOutput(g.feeding(1), g, d -> List.of(), d -> 1, 0);
      assertThat(t.rtol()).isEqualTo(Tolerance.Family.REDUCTION.rtol);
    } finally {
      java.nio.file.Files.deleteIfExists(bpte);
    }
  }

  @Test
  void aCondResultDependsOnBothBranchesThroughTheirMoves() {
    // cond_kernels output 1 = linear(b): b is moved from either branch (add or mul).
    assertThat(feedingOperators("cond_kernels", "portable", 1))
        .contains("aten::addmm.out", "move", "aten::add.out", "aten::mul.out")
        .doesNotContain("aten::convolution.out");
  }

  @Test
  void dequantizedOutputsAreComparedInTheirOwnQuantizationSteps() {
    for (String model : new String[] {"mlp", "digits_cnn", "attention"}) {
      ProgramGraph g = ProgramGraph.read(FIXTURES.resolve(model).resolve(model + ".pt2e-int8.bpte"), "forward");
      assertThat(g.quantizationStep(0)).as(model).isPositive();
    }
    ProgramGraph plain = ProgramGraph.read(FIXTURES.resolve("mlp/mlp.portable.bpte"), "forward");
    assertThat(plain.quantizationStep(0)).isZero();

    double step = 0.25;
    org.et4j.runtime.Tensor expected = org.et4j.runtime.Tensor.fromArray(new float[200], 200);
    float[] oneOff = new float[200];
    oneOff[3] = 0.25f;
    oneOff[9] = -0.25f;
    assertThat(ConformanceRunner.compareInSteps(org.et4j.runtime.Tensor.fromArray(oneOff, 200), expected, step))
        .isNull();
    // Two elements two steps off: 1% of 200 may be more than one step off.
    float[] twoOff = oneOff.clone();
    twoOff[5] = 0.5f;
    twoOff[6] = 0.5f;
    assertThat(ConformanceRunner.compareInSteps(org.et4j.runtime.Tensor.fromArray(twoOff, 200), expected, step))
        .isNull();
    twoOff[7] = 0.5f;
    assertThat(ConformanceRunner.compareInSteps(org.et4j.runtime.Tensor.fromArray(twoOff, 200), expected, step))
        .contains("3 of 200 elements are more than one quantization step");
    // A whole-step bias beyond the allowance (a zero-point bug) fails on one element.
    float[] threeOff = new float[200];
    threeOff[0] = 0.75f;
    assertThat(ConformanceRunner.compareInSteps(org.et4j.runtime.Tensor.fromArray(threeOff, 200), expected, step))
        .contains("element 0").contains("3.0 quantization steps");
  }

  @Test
  void outCountFollowsTheEmittersRepeatedReturnValues() {
    assertThat(ProgramGraph.outCount(new int[] {4, 6, 7, 8, 5, 5})).isEqualTo(2);
    assertThat(ProgramGraph.outCount(new int[] {1, 2, 3, 7, 8, 9, 7, 8, 9})).isEqualTo(6);
    assertThat(ProgramGraph.outCount(new int[] {4, 5, 6})).isEqualTo(1);
  }
}
