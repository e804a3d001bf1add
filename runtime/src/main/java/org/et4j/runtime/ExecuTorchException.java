package org.et4j.runtime;

import java.util.Objects;

/**
 * The one exception et4j raises for failures of a program, its data or its execution. It carries
 * ExecuTorch's {@link ErrorCode}, and a message that says what was wrong and where (byte offset,
 * table and index for a file; method, instruction and operator for an execution).
 *
 * <p>Unchecked, like ExecuTorch's {@code Error} results are pervasive: callers who want to react
 * to one kind of failure switch on {@link #errorCode()}. Misuse of the API (a null argument, a
 * closed object) raises {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public final class ExecuTorchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;

  public ExecuTorchException(ErrorCode errorCode, String message) {
    super(message);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  public ExecuTorchException(ErrorCode errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  /** The ExecuTorch error code. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The message without the error code, as given when raised. */
  public String detail() {
    return super.getMessage();
  }

  /** {@code InvalidProgram (0x23): <detail>}. */
  @Override
  public String getMessage() {
    return errorCode + ": " + super.getMessage();
  }

  /** Shorthand for a file that breaks the format. */
  public static ExecuTorchException invalidProgram(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_PROGRAM, message);
  }

  /** Shorthand for a bad argument found while running a program. */
  public static ExecuTorchException invalidArgument(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
