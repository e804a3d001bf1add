package org.et4j.kernels.prim;

import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.Value;

/** Argument checks and errors shared by the prim ops, with ExecuTorch's error codes. */
final class PrimSupport {
  private PrimSupport() {}

  /** A kernel that checks the slot count at load and then runs {@code body} per execution. */
  static OpKernel kernel(String op, int arity, Body body) {
    return args -> {
      if (args.length != arity) {
        throw new ExecuTorchException(
            ErrorCode.INVALID_PROGRAM, op + ": expected " + arity + " argument slots, got " + args.length);
      }
      return (KernelCall) context -> body.run(args);
    };
  }

  @FunctionalInterface
  interface Body {
    void run(Value[] args);
  }

  /** ExecuTorch's InvalidType for unsupported argument tags. */
  static ExecuTorchException wrongTypes(String op, Value... values) {
    StringBuilder sb = new StringBuilder(op).append(": unsupported argument types");
    for (Value v : values) {
      sb.append(' ').append(v.tag());
    }
    return new ExecuTorchException(ErrorCode.INVALID_TYPE, sb.toString());
  }

  static ExecuTorchException divisionByZero(String op, long a) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, op + ": integer division of " + a + " by zero");
  }
}
