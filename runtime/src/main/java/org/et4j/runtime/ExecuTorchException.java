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
  /** The version of the serialized form. */
  private static final long serialVersionUID = 1L;

  /** The ExecuTorch error code; never null. */
  private final ErrorCode errorCode;

  /**
   * An exception with a code and a message.
   *
   * @param errorCode the ExecuTorch error code, not null
   * @param message what was wrong and where, without the code (see {@link #detail()})
   */
  public ExecuTorchException(ErrorCode errorCode, String message) {
    super(message);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  /**
   * An exception with a code, a message and the failure that caused it.
   *
   * @param errorCode the ExecuTorch error code, not null
   * @param message what was wrong and where, without the code (see {@link #detail()})
   * @param cause the underlying failure (an {@link java.io.IOException}, say)
   */
  public ExecuTorchException(ErrorCode errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
  }

  /**
   * The ExecuTorch error code.
   *
   * @return the code, never null
   */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /**
   * The message without the error code, as given when raised.
   *
   * @return the detail message
   */
  public String detail() {
    return super.getMessage();
  }

  /**
   * {@code InvalidProgram (0x23): <detail>}.
   *
   * @return the error code followed by the detail
   */
  @Override
  public String getMessage() {
    return errorCode + ": " + super.getMessage();
  }

  /**
   * Shorthand for a file that breaks the format.
   *
   * @param message what was wrong and where
   * @return an {@link ErrorCode#INVALID_PROGRAM} exception, for the caller to throw
   */
  public static ExecuTorchException invalidProgram(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_PROGRAM, message);
  }

  /**
   * Shorthand for a bad argument found while running a program.
   *
   * @param message what was wrong and where
   * @return an {@link ErrorCode#INVALID_ARGUMENT} exception, for the caller to throw
   */
  public static ExecuTorchException invalidArgument(String message) {
    return new ExecuTorchException(ErrorCode.INVALID_ARGUMENT, message);
  }
}
