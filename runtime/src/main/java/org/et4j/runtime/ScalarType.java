package org.et4j.runtime;

/**
 * Element types of ExecuTorch tensors, with ExecuTorch's numeric codes (equal to
 * {@code c10::ScalarType}). Quantized and float8 types are listed so that files using them are
 * described truthfully; kernels support the types their documentation names.
 */
public enum ScalarType {
  BYTE(0, 1, "uint8"),
  CHAR(1, 1, "int8"),
  SHORT(2, 2, "int16"),
  INT(3, 4, "int32"),
  LONG(4, 8, "int64"),
  HALF(5, 2, "float16"),
  FLOAT(6, 4, "float32"),
  DOUBLE(7, 8, "float64"),
  BOOL(11, 1, "bool"),
  QINT8(12, 1, "qint8"),
  QUINT8(13, 1, "quint8"),
  QINT32(14, 4, "qint32"),
  BFLOAT16(15, 2, "bfloat16"),
  QUINT4X2(16, 1, "quint4x2"),
  QUINT2X4(17, 1, "quint2x4"),
  BITS16(22, 2, "bits16"),
  FLOAT8E5M2(23, 1, "float8_e5m2"),
  FLOAT8E4M3FN(24, 1, "float8_e4m3fn"),
  FLOAT8E5M2FNUZ(25, 1, "float8_e5m2fnuz"),
  FLOAT8E4M3FNUZ(26, 1, "float8_e4m3fnuz"),
  UINT16(27, 2, "uint16"),
  UINT32(28, 4, "uint32"),
  UINT64(29, 8, "uint64");

  private static final ScalarType[] BY_CODE = new ScalarType[30];

  static {
    for (ScalarType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int elementSize;
  private final String displayName;

  ScalarType(int code, int elementSize, String displayName) {
    this.code = code;
    this.elementSize = elementSize;
    this.displayName = displayName;
  }

  /** ExecuTorch's numeric code. */
  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int elementSize() {
    return elementSize;
  }

  /** The PyTorch name, e.g. {@code float32}. */
  public String displayName() {
    return displayName;
  }

  /** True for float16, bfloat16, float32 and float64. */
  public boolean isFloatingPoint() {
    return this == HALF || this == BFLOAT16 || this == FLOAT || this == DOUBLE;
  }

  /** True for the plain integer types (not bool, not quantized). */
  public boolean isIntegral() {
    return switch (this) {
      case BYTE, CHAR, SHORT, INT, LONG, UINT16, UINT32, UINT64 -> true;
      default -> false;
    };
  }

  /** The type with this code, or null if the code names none. */
  public static ScalarType fromCodeOrNull(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * The type with this code.
   *
   * @throws ExecuTorchException InvalidProgram if no type has this code
   */
  public static ScalarType fromCode(int code, String where) {
    ScalarType t = fromCodeOrNull(code);
    if (t == null) {
      throw ExecuTorchException.invalidProgram("unknown scalar type code " + code + " in " + where);
    }
    return t;
  }
}
