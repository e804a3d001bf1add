package org.et4j.runtime;

/**
 * ExecuTorch's error codes ({@code runtime/core/error.h}), with the same numeric values, so
 * that an et4j failure can be matched one to one with what the C++ runtime reports for the same
 * file.
 */
public enum ErrorCode {
  OK(0x00),
  INTERNAL(0x01),
  INVALID_STATE(0x02),
  END_OF_METHOD(0x03),
  ALREADY_LOADED(0x04),
  NOT_SUPPORTED(0x10),
  NOT_IMPLEMENTED(0x11),
  INVALID_ARGUMENT(0x12),
  INVALID_TYPE(0x13),
  OPERATOR_MISSING(0x14),
  REGISTRATION_EXCEEDING_MAX_KERNELS(0x15),
  REGISTRATION_ALREADY_REGISTERED(0x16),
  NOT_FOUND(0x20),
  MEMORY_ALLOCATION_FAILED(0x21),
  ACCESS_FAILED(0x22),
  INVALID_PROGRAM(0x23),
  INVALID_EXTERNAL_DATA(0x24),
  OUT_OF_RESOURCES(0x25),
  DELEGATE_INVALID_COMPATIBILITY(0x30),
  DELEGATE_MEMORY_ALLOCATION_FAILED(0x31),
  DELEGATE_INVALID_HANDLE(0x32);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The numeric value ExecuTorch uses for this error. */
  public int code() {
    return code;
  }

  /** ExecuTorch's spelling of the name, e.g. {@code InvalidProgram}. */
  public String displayName() {
    StringBuilder sb = new StringBuilder();
    for (String part : name().split("_")) {
      sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  /** {@code InvalidProgram (0x23)}. */
  @Override
  public String toString() {
    return displayName() + " (0x" + Integer.toHexString(code) + ")";
  }
}
