package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.List;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.testing.TestKernels;
import org.et4j.schema.program.AllocationDetails;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.EBool;
import org.et4j.schema.program.EInt;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.JumpFalseCall;
import org.et4j.schema.program.KernelCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.MoveCall;
import org.et4j.schema.program.Operator;
import org.junit.jupiter.api.Test;

/**
 * MoveCall as ExecuTorch emits it for {@code torch.cond}: each branch computes into its own value
 * and moves it into the common output, which later kernels read. The test kernels capture their
 * tensors when they are bound, as et4j's convolution, linear and reductions do, so a move that
 * only re-pointed the destination slot would leave them computing on the destination's own
 * (never written) planned memory.
 */
class MoveCallTest {
  // Values of the program below.
  private static final int X = 0; // input, float32[4], dynamic bound
  private static final int FLAG = 1; // input, bool[1]: which branch runs
  private static final int ALPHA = 2; // Int(1)
  private static final int THEN_OUT = 3; // x + x
  private static final int ELSE_OUT = 4; // x * x
  private static final int COND_OUT = 5; // the cond's result: both branches move into it
  private static final int OUT = 6; // cond_out * x
  private static final int FALSE = 7; // Bool(false), the unconditional jump over the else branch

  /**
   * {@code out = (flag ? x + x : x * x) * x}, the tensors of buffer 1 at distinct offsets, the
   * operator table {@code aten::add.out, aten::mul.out}.
   *
   * @param condOutType the scalar type of the cond's result (6 = float32, as the emitter writes it)
   */
  private static byte[] condProgram(byte condOutType) {
    FlatBufferBuilder b = new FlatBufferBuilder(2048);
    List<Integer> values = new ArrayList<>();
    values.add(tensor(b, (byte) 6, 0, true));
    values.add(tensor(b, (byte) 11, 16, false));
    values.add(org.et4j.schema.program.EValue.createEValue(b, KernelTypes.EInt, EInt.createEInt(b, 1)));
    values.add(tensor(b, (byte) 6, 32, true));
    values.add(tensor(b, (byte) 6, 48, true));
    values.add(tensor(b, condOutType, 64, true));
    values.add(tensor(b, (byte) 6, 80, true));
    values.add(org.et4j.schema.program.EValue.createEValue(b, KernelTypes.EBool, EBool.createEBool(b, false)));
    int add = 0;
    int mul = 1;
    int[] ins = {
      jumpFalse(b, FLAG, 4),
      kernel(b, add, X, X, ALPHA, THEN_OUT, THEN_OUT),
      move(b, THEN_OUT, COND_OUT),
      jumpFalse(b, FALSE, 6),
      kernel(b, mul, X, X, ELSE_OUT, ELSE_OUT),
      move(b, ELSE_OUT, COND_OUT),
      kernel(b, mul, COND_OUT, X, OUT, OUT),
    };
    int[] ops = {
      Operator.createOperator(b, b.createString("aten::add"), b.createString("out")),
      Operator.createOperator(b, b.createString("aten::mul"), b.createString("out")),
    };
    int chain =
        Chain.createChain(
            b,
            Chain.createInputsVector(b, new int[0]),
            Chain.createOutputsVector(b, new int[0]),
            Chain.createInstructionsVector(b, ins),
            0);
    int plan =
        ExecutionPlan.createExecutionPlan(
            b,
            b.createString("forward"),
            0,
            ExecutionPlan.createValuesVector(b, values.stream().mapToInt(Integer::intValue).toArray()),
            ExecutionPlan.createInputsVector(b, new int[] {X, FLAG}),
            ExecutionPlan.createOutputsVector(b, new int[] {OUT, COND_OUT}),
            ExecutionPlan.createChainsVector(b, new int[] {chain}),
            ExecutionPlan.createOperatorsVector(b, ops),
            0,
            ExecutionPlan.createNonConstBufferSizesVector(b, new long[] {0, 96}),
            0);
    int root =
        org.et4j.schema.program.Program.createProgram(
            b, 0, org.et4j.schema.program.Program.createExecutionPlanVector(b, new int[] {plan}), 0, 0, 0, 0, 0, 0);
    org.et4j.schema.program.Program.finishProgramBuffer(b, root);
    return b.sizedByteArray();
  }

  /** A planned tensor of rank 1 in buffer 1: float32[4] (dynamic bound) or bool[1]. */
  private static int tensor(FlatBufferBuilder b, byte scalarType, long offset, boolean dynamic) {
    int sizes = org.et4j.schema.program.Tensor.createSizesVector(b, new int[] {dynamic ? 4 : 1});
    int dimOrder = org.et4j.schema.program.Tensor.createDimOrderVector(b, new byte[] {0});
    int alloc = AllocationDetails.createAllocationDetails(b, 1, offset, 0);
    int t =
        org.et4j.schema.program.Tensor.createTensor(
            b, scalarType, 0, sizes, dimOrder, false, 0, alloc, (byte) 0, (byte) (dynamic ? 1 : 0), 0);
    return org.et4j.schema.program.EValue.createEValue(b, KernelTypes.Tensor, t);
  }

  private static int kernel(FlatBufferBuilder b, int op, int... args) {
    return Instruction.createInstruction(
        b, InstructionArguments.KernelCall, KernelCall.createKernelCall(b, op, KernelCall.createArgsVector(b, args)));
  }

  private static int move(FlatBufferBuilder b, int from, int to) {
    return Instruction.createInstruction(b, InstructionArguments.MoveCall, MoveCall.createMoveCall(b, from, to));
  }

  private static int jumpFalse(FlatBufferBuilder b, int condition, int destination) {
    return Instruction.createInstruction(
        b, InstructionArguments.JumpFalseCall, JumpFalseCall.createJumpFalseCall(b, condition, destination));
  }

  private static Method load(Program program) {
    return program.loadMethod("forward", TestKernels.registry(), BackendRegistry.builder().build());
  }

  private static float[] run(Method m, float[] x, boolean flag) {
    m.setInput(0, EValue.from(Tensor.fromArray(x, x.length)));
    m.setInput(1, EValue.from(Tensor.fromArray(new boolean[] {flag}, 1)));
    m.execute();
    return m.output(0).toTensor().toFloatArray();
  }

  @Test
  void kernelsBoundToTheCondResultSeeWhatEachBranchMovedIntoIt() {
    float[] x = {1, 2, 3, -4};
    try (Program p = Program.load(condProgram((byte) 6));
        Method m = load(p)) {
      // Alternating branches on one loaded method: each move replaces the last one's result.
      assertThat(run(m, x, true)).containsExactly(2, 8, 18, 32);
      assertThat(run(m, x, false)).containsExactly(1, 8, 27, -64);
      assertThat(run(m, x, true)).containsExactly(2, 8, 18, 32);
      assertThat(m.output(1).toTensor().toFloatArray()).containsExactly(2, 4, 6, -8);
    }
  }

  @Test
  void theTracedLoopMovesAsThePlainOneDoes() {
    float[] x = {1, 2, 3, -4};
    try (Program p = Program.load(condProgram((byte) 6));
        Method m = load(p)) {
      m.setEventTracer(org.et4j.runtime.devtools.ETDumpWriter.create());
      assertThat(run(m, x, true)).containsExactly(2, 8, 18, 32);
      assertThat(run(m, x, false)).containsExactly(1, 8, 27, -64);
    }
  }

  @Test
  void aMovedTensorBringsItsShapeToTheKernelsThatReadTheDestination() {
    try (Program p = Program.load(condProgram((byte) 6));
        Method m = load(p)) {
      assertThat(run(m, new float[] {1, 2, 3, 4}, false)).containsExactly(1, 8, 27, 64);
      // A shorter input within the bound: the branch's result is float32[2], and so is the
      // destination the last multiply was bound to.
      assertThat(run(m, new float[] {5, -1}, true)).containsExactly(50, 2);
      assertThat(m.output(0).toTensor().shape()).containsExactly(2);
      assertThat(m.output(1).toTensor().shape()).containsExactly(2);
    }
  }

  @Test
  void aMoveThatWouldChangeTheDestinationsDtypeIsRejectedAtLoad() {
    try (Program p = Program.load(condProgram((byte) 3))) {
      assertThatThrownBy(() -> load(p))
          .isInstanceOfSatisfying(
              ExecuTorchException.class,
              e -> {
                assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                assertThat(e.getMessage()).contains("instruction 2").contains("move 3 -> 5").contains("int32[4]");
              });
    }
  }
}
