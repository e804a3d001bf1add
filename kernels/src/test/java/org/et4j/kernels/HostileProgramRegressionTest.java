package org.et4j.kernels;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import org.et4j.kernels.testing.OpHarness;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;
import org.junit.jupiter.api.Test;

/**
 * Kernel bugs that mutated real programs found when run with the real kernels
 * (conformance's ExecutedMutationTest); each was a stray Java exception the interpreter wrapped
 * as Internal, and is now an InvalidArgument that names the op and the argument.
 */
class HostileProgramRegressionTest {
  private static void bindAndRun(String op, Value... args) {
    KernelRegistry.defaultRegistry().lookup(op).bind(args).execute(n -> Arena.ofAuto().allocate(Math.max(1, n), 64));
  }

  /** attention.xnnpack-qd8 with the Int of any.out's dim set to Long.MAX_VALUE: ArithmeticException. */
  @Test
  void anyDimBeyondIntRange() {
    TensorImpl in = OpHarness.empty(ScalarType.BOOL, 2, 4);
    TensorImpl out = OpHarness.dynamicOut(ScalarType.BOOL, 64, 2, 1);
    assertThatThrownBy(() -> bindAndRun("aten::any.out", Value.ofTensor(in), Value.ofInt(Long.MAX_VALUE),
            Value.ofBool(true), Value.ofTensor(out), Value.ofTensor(out)))
        .isInstanceOfSatisfying(ExecuTorchException.class, e -> org.assertj.core.api.Assertions.assertThat(e.errorCode())
            .isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("aten::any.out")
        .hasMessageContaining("dim 9223372036854775807 is out of range");
  }

  /** split_with_sizes_copy whose out list index points at an optional tensor list with a None: NullPointerException. */
  @Test
  void noneItemInATensorList() {
    TensorImpl in = OpHarness.empty(ScalarType.FLOAT, 4);
    Value optional = new Value();
    optional.setOptionalTensorList(new Value[] {new Value(), Value.ofTensor(OpHarness.dynamicOut(ScalarType.FLOAT, 8, 2))});
    assertThatThrownBy(() -> bindAndRun("aten::split_with_sizes_copy.out", Value.ofTensor(in), OpHarness.ints(2, 2),
            Value.ofInt(0), optional))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("split_with_sizes_copy")
        .hasMessageContaining("out[0] is None");
    Value tensors = new Value();
    tensors.setOptionalTensorList(new Value[] {Value.ofTensor(in), new Value()});
    TensorImpl out = OpHarness.dynamicOut(ScalarType.FLOAT, 64, 8);
    assertThatThrownBy(() -> bindAndRun("aten::cat.out", tensors, Value.ofInt(0), Value.ofTensor(out), Value.ofTensor(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("tensors[1] is None");
    assertThatThrownBy(() -> bindAndRun("aten::stack.out", tensors, Value.ofInt(0), Value.ofTensor(out), Value.ofTensor(out)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("tensors[1] is None");
  }

  /** mul2 with _to_dim_order_copy's out pointed at a constant (read-only file view): IllegalArgumentException. */
  @Test
  void constantAsOut() {
    TensorImpl in = OpHarness.empty(ScalarType.FLOAT, 2);
    TensorImpl constant = new TensorImpl(ScalarType.FLOAT, new int[] {2}, new int[] {0}, ShapeDynamism.STATIC,
        Arena.ofAuto().allocate(8, 64).asReadOnly(), 8);
    assertThatThrownBy(() -> bindAndRun("aten::clone.out", Value.ofTensor(in), new Value(), Value.ofTensor(constant),
            Value.ofTensor(constant)))
        .isInstanceOf(ExecuTorchException.class)
        .hasMessageContaining("clone")
        .hasMessageContaining("is a constant of the program and cannot be written");
  }
}
