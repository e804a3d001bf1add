package org.et4j.kernels.portable.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.et4j.kernels.testing.OpHarness.b;
import static org.et4j.kernels.testing.OpHarness.call;
import static org.et4j.kernels.testing.OpHarness.d;
import static org.et4j.kernels.testing.OpHarness.dynamicOut;
import static org.et4j.kernels.testing.OpHarness.empty;
import static org.et4j.kernels.testing.OpHarness.tensor;
import static org.et4j.kernels.testing.OpHarness.tensors;
import static org.et4j.kernels.testing.OpHarness.v;
import static org.et4j.kernels.testing.OpHarness.values;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Test;

/**
 * {@code aten::_native_batch_norm_legit.out} on the cases of ExecuTorch's {@code
 * kernels/test/op_native_batch_norm_test.cpp} ({@code OpNativeBatchNormLegitOutTest}), with its
 * inputs and expected values. Export never emits this kernel (to_edge functionalizes the op into
 * {@code _native_batch_norm_legit_functional}, which has no ExecuTorch kernel), so the op suite
 * cannot reach it; {@code conformance/ported-executorch-tests.txt} lists this test as its evidence.
 *
 * <p>Outputs are compared as ExecuTorch's {@code EXPECT_TENSOR_CLOSE} does: {@code |got - expected|
 * <= 1e-8 + 1e-5 * |expected|}.
 */
class NativeBatchNormLegitUpstreamCasesTest {
  private static final String OP = "aten::_native_batch_norm_legit.out";

  private static void assertClose(TensorImpl got, double[] expected) {
    double[] g = values(got);
    assertThat(g).hasSameSizeAs(expected);
    for (int i = 0; i < g.length; i++) {
      double allowed = 1e-8 + 1e-5 * Math.abs(expected[i]);
      assertThat(Math.abs(g[i] - expected[i]))
          .as("element %d: got %s, ExecuTorch's test expects %s", i, g[i], expected[i])
          .isLessThanOrEqualTo(allowed);
    }
  }

  private static TensorImpl input() {
    return tensor(ScalarType.FLOAT, new int[] {4, 7},
        2.876736640930176, 7.67944860458374, 5.701690196990967, 9.299789428710938, 3.023690700531006,
        5.315116882324219, 7.185585021972656, 6.911304473876953, 7.61051082611084, 1.4963287115097046,
        0.7381612062454224, 8.588483810424805, 6.583977699279785, 8.831110000610352, 0.8165055513381958,
        7.087201118469238, 5.572513580322266, 4.446897983551025, 4.444573402404785, 6.254056930541992,
        5.906398296356201, 9.971039772033691, 3.5423521995544434, 7.452159881591797, 9.93700122833252,
        1.8560808897018433, 1.524025797843933, 7.3222975730896);
  }

  private static TensorImpl weight() {
    return tensor(ScalarType.FLOAT, new int[] {7},
        8.287437438964844, 8.227645874023438, 6.65926456451416, 9.436124801635742, 4.119281768798828,
        8.593960762023926, 2.3760855197906494);
  }

  private static TensorImpl bias() {
    return tensor(ScalarType.FLOAT, new int[] {7},
        7.824275970458984, 6.84327507019043, 8.354326248168945, 8.773970603942871, 3.89609694480896,
        3.0753469467163086, 3.1105971336364746);
  }

  private static TensorImpl runningMean() {
    return tensor(ScalarType.FLOAT, new int[] {7},
        9.700226783752441, 0.1234668493270874, 7.527220249176025, 8.993252754211426, 0.4736626148223877,
        7.7135701179504395, 5.12320613861084);
  }

  private static TensorImpl runningVar() {
    return tensor(ScalarType.FLOAT, new int[] {7},
        3.585531234741211, 6.615292549133301, 0.24084866046905518, 5.175800323486328, 0.5886000394821167,
        6.23909854888916, 1.5029621124267578);
  }

  /** SampleAtomicTest2D: inference (training=false), momentum 0.1, eps 0. */
  @Test
  void sampleAtomicTest2D() {
    TensorImpl out0 = empty(ScalarType.FLOAT, 4, 7);
    TensorImpl out1 = dynamicOut(ScalarType.FLOAT, 7, 7);
    TensorImpl out2 = dynamicOut(ScalarType.FLOAT, 7, 7);
    TensorImpl rm = runningMean();
    TensorImpl rv = runningVar();
    call(OP, v(input()), v(weight()), v(bias()), v(rm), v(rv), b(false), d(0.1), d(0), v(out0), v(out1), v(out2),
        tensors(out0, out1, out2));
    assertClose(out0, new double[] {
        -22.039867401123047, 31.014127731323242, -16.416650772094727, 10.04538631439209, 17.5877628326416,
        -5.17673921585083, 7.1078033447265625, -4.381907939910889, 30.793603897094727, -73.48003387451172,
        -25.46548080444336, 47.46636962890625, -0.8111140131950378, 10.29708194732666, -31.056814193725586,
        29.119586944580078, -18.16947364807129, -10.082839965820312, 25.216796875, -1.9462348222732544,
        4.628543376922607, 9.00953483581543, 17.779958724975586, 7.335818767547607, 12.688335418701172,
        11.318607330322266, -18.22031593322754, 7.372773170471191});
    // out1 and out2 are resized to [0]; the running statistics are read, never written, in inference.
    assertThat(out1.sizes()).containsExactly(0);
    assertThat(out2.sizes()).containsExactly(0);
    assertClose(rm, values(runningMean()));
    assertClose(rv, values(runningVar()));
  }

  /** ExecuTorch's kernel is the inference one behind a check: training=true is InvalidArgument. */
  @Test
  void trainingIsRejected() {
    TensorImpl out0 = empty(ScalarType.FLOAT, 4, 7);
    TensorImpl out1 = dynamicOut(ScalarType.FLOAT, 7, 7);
    TensorImpl out2 = dynamicOut(ScalarType.FLOAT, 7, 7);
    assertThatThrownBy(() -> call(OP, v(input()), v(weight()), v(bias()), v(runningMean()), v(runningVar()), b(true),
            d(0.1), d(0), v(out0), v(out1), v(out2), tensors(out0, out1, out2)))
        .isInstanceOfSatisfying(ExecuTorchException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
