package org.et4j.runtime;

/**
 * ExecuTorch's error codes ({@code runtime/core/error.h}), with the same numeric values, so
 * that an et4j failure can be matched one to one with what the C++ runtime reports for the same
 * file.
 */
public enum ErrorCode {
  /** Success. */
  OK(0x00),
  /** An internal error: a bug in the runtime. */
  INTERNAL(0x01),
  /** The call is not valid in the object's current state (e.g. an input was never set). */
  INVALID_STATE(0x02),
  /** Execution reached the end of the method. */
  END_OF_METHOD(0x03),
  /** The thing being loaded is already loaded. */
  ALREADY_LOADED(0x04),
  /** The operation is not supported by this runtime or for these arguments. */
  NOT_SUPPORTED(0x10),
  /** The operation is not implemented yet. */
  NOT_IMPLEMENTED(0x11),
  /** An argument is not valid (e.g. a malformed file or an out-of-range index). */
  INVALID_ARGUMENT(0x12),
  /** A value has the wrong type (e.g. a tensor where an Int was expected). */
  INVALID_TYPE(0x13),
  /** The program calls an operator for which no kernel is registered. */
  OPERATOR_MISSING(0x14),
  /** A kernel registry is full (ExecuTorch's fixed-size table; et4j's is not). */
  REGISTRATION_EXCEEDING_MAX_KERNELS(0x15),
  /** A kernel or backend is already registered under that name. */
  REGISTRATION_ALREADY_REGISTERED(0x16),
  /** A requested item (method, input, data key) does not exist. */
  NOT_FOUND(0x20),
  /** Memory could not be allocated, or a plan asks for more than allowed. */
  MEMORY_ALLOCATION_FAILED(0x21),
  /** A file or other resource could not be read. */
  ACCESS_FAILED(0x22),
  /** The program is malformed or inconsistent. */
  INVALID_PROGRAM(0x23),
  /** External data (a {@code .ptd}) is missing, malformed or does not match the program. */
  INVALID_EXTERNAL_DATA(0x24),
  /** A resource other than memory is exhausted. */
  OUT_OF_RESOURCES(0x25),
  /** A delegate payload is not compatible with its backend (e.g. a version mismatch). */
  DELEGATE_INVALID_COMPATIBILITY(0x30),
  /** A backend could not allocate memory for a delegate. */
  DELEGATE_MEMORY_ALLOCATION_FAILED(0x31),
  /** A delegate handle is not valid (e.g. used after close). */
  DELEGATE_INVALID_HANDLE(0x32);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /**
   * The numeric value ExecuTorch uses for this error.
   *
   * @return the code, e.g. {@code 0x23}
   */
  public int code() {
    return code;
  }

  /**
   * ExecuTorch's spelling of the name, e.g. {@code InvalidProgram}.
   *
   * @return the name in upper camel case
   */
  public String displayName() {
    StringBuilder sb = new StringBuilder();
    for (String part : name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  /**
   * {@code InvalidProgram (0x23)}.
   *
   * @return the display name and the hexadecimal code
   */
  @Override
  public String toString() {
    return displayName() + " (0x" + Integer.toHexString(code) + ")";
  }
}
