package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.flatbuffers.FlatBufferBuilder;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.EBool;
import org.et4j.schema.program.EInt;
import org.et4j.schema.program.EValue;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.JumpFalseCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.MoveCall;
import org.junit.jupiter.api.Test;

/** Instruction semantics on small programs built here: jumps, moves, the instruction budget. */
class InterpreterTest {
  /** Values: 0 = Bool(cond), 1 = Int(1), 2 = Int(2). Output: value 2. */
  private static byte[] program(boolean cond, int[][] instructions) {
    FlatBufferBuilder b = new FlatBufferBuilder(1024);
    int[] values = new int[3];
    int v0 = EBool.createEBool(b, cond);
    values[0] = EValue.createEValue(b, KernelTypes.EBool, v0);
    values[1] = EValue.createEValue(b, KernelTypes.EInt, EInt.createEInt(b, 1));
    values[2] = EValue.createEValue(b, KernelTypes.EInt, EInt.createEInt(b, 2));
    int[] ins = new int[instructions.length];
    for (int i = 0; i < instructions.length; i++) {
      int[] x = instructions[i];
      if (x[0] == InstructionArguments.JumpFalseCall) {
        ins[i] = Instruction.createInstruction(b, InstructionArguments.JumpFalseCall, JumpFalseCall.createJumpFalseCall(b, x[1], x[2]));
      } else {
        ins[i] = Instruction.createInstruction(b, InstructionArguments.MoveCall, MoveCall.createMoveCall(b, x[1], x[2]));
      }
    }
    int chain = Chain.createChain(b, 0, 0, Chain.createInstructionsVector(b, ins), 0);
    int name = b.createString("forward");
    int plan =
        ExecutionPlan.createExecutionPlan(
            b,
            name,
            0,
            ExecutionPlan.createValuesVector(b, values),
            ExecutionPlan.createInputsVector(b, new int[0]),
            ExecutionPlan.createOutputsVector(b, new int[] {2}),
            ExecutionPlan.createChainsVector(b, new int[] {chain}),
            0,
            0,
            ExecutionPlan.createNonConstBufferSizesVector(b, new long[] {0}),
            0);
    int root =
        org.et4j.schema.program.Program.createProgram(
            b, 0, org.et4j.schema.program.Program.createExecutionPlanVector(b, new int[] {plan}), 0, 0, 0, 0, 0, 0);
    org.et4j.schema.program.Program.finishProgramBuffer(b, root);
    return b.sizedByteArray();
  }

  private static long run(byte[] bytes) {
    try (Program p = Program.load(bytes);
        Method m = p.loadMethod("forward", KernelRegistry.builder().build(), BackendRegistry.builder().build())) {
      m.execute();
      return m.output(0).toInt();
    }
  }

  @Test
  void jumpFalseSkipsWhenConditionIsFalseAndFallsThroughWhenTrue() {
    int[][] code = {{InstructionArguments.JumpFalseCall, 0, 2}, {InstructionArguments.MoveCall, 1, 2}};
    assertThat(run(program(false, code))).isEqualTo(2);
    assertThat(run(program(true, code))).isEqualTo(1);
  }

  @Test
  void runawayLoopStopsAtTheInstructionBudget() {
    int[][] loop = {{InstructionArguments.JumpFalseCall, 0, 0}};
    assertThatThrownBy(() -> run(program(false, loop)))
        .isInstanceOfSatisfying(
            ExecuTorchException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM);
              assertThat(e.getMessage()).contains("instruction execution limit").contains("instruction 0");
            });
  }

  @Test
  void jumpOutsideTheChainIsRejectedAtLoad() {
    int[][] bad = {{InstructionArguments.JumpFalseCall, 0, 7}};
    assertThatThrownBy(() -> run(program(false, bad)))
        .isInstanceOfSatisfying(
            ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PROGRAM));
  }
}
