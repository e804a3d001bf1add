package org.et4j.runtime;

/**
 * Element types of ExecuTorch tensors, with ExecuTorch's numeric codes (equal to
 * {@code c10::ScalarType}). Quantized and float8 types are listed so that files using them are
 * described truthfully; kernels support the types their documentation names.
 */
public enum ScalarType {
  /** Unsigned 8-bit integer ({@code torch.uint8}). */
  BYTE(0, 1, "uint8"),
  /** Signed 8-bit integer ({@code torch.int8}). */
  CHAR(1, 1, "int8"),
  /** Signed 16-bit integer. */
  SHORT(2, 2, "int16"),
  /** Signed 32-bit integer. */
  INT(3, 4, "int32"),
  /** Signed 64-bit integer (indices, sizes). */
  LONG(4, 8, "int64"),
  /** IEEE 754 half-precision float. */
  HALF(5, 2, "float16"),
  /** IEEE 754 single-precision float. */
  FLOAT(6, 4, "float32"),
  /** IEEE 754 double-precision float. */
  DOUBLE(7, 8, "float64"),
  /** Boolean, one byte per element (0 or 1). */
  BOOL(11, 1, "bool"),
  /** Quantized signed 8-bit integer (legacy quantized tensors). */
  QINT8(12, 1, "qint8"),
  /** Quantized unsigned 8-bit integer (legacy quantized tensors). */
  QUINT8(13, 1, "quint8"),
  /** Quantized signed 32-bit integer (legacy quantized tensors). */
  QINT32(14, 4, "qint32"),
  /** Brain float: float32's exponent with a 7-bit mantissa. */
  BFLOAT16(15, 2, "bfloat16"),
  /** Two unsigned 4-bit quantized values per byte. */
  QUINT4X2(16, 1, "quint4x2"),
  /** Four unsigned 2-bit quantized values per byte. */
  QUINT2X4(17, 1, "quint2x4"),
  /** 16 bits with no numeric meaning. */
  BITS16(22, 2, "bits16"),
  /** 8-bit float, 5 exponent and 2 mantissa bits. */
  FLOAT8E5M2(23, 1, "float8_e5m2"),
  /** 8-bit float, 4 exponent and 3 mantissa bits, finite values and NaN only. */
  FLOAT8E4M3FN(24, 1, "float8_e4m3fn"),
  /** 8-bit float, 5 exponent and 2 mantissa bits, finite, with no negative zero. */
  FLOAT8E5M2FNUZ(25, 1, "float8_e5m2fnuz"),
  /** 8-bit float, 4 exponent and 3 mantissa bits, finite, with no negative zero. */
  FLOAT8E4M3FNUZ(26, 1, "float8_e4m3fnuz"),
  /** Unsigned 16-bit integer. */
  UINT16(27, 2, "uint16"),
  /** Unsigned 32-bit integer. */
  UINT32(28, 4, "uint32"),
  /** Unsigned 64-bit integer. */
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

  /**
   * ExecuTorch's numeric code.
   *
   * @return the code, as in a program's {@code Tensor.scalar_type}
   */
  public int code() {
    return code;
  }

  /**
   * Bytes per element.
   *
   * @return the element size in bytes (for {@code quint4x2} and {@code quint2x4}, the byte that
   *     packs several values)
   */
  public int elementSize() {
    return elementSize;
  }

  /**
   * The PyTorch name, e.g. {@code float32}.
   *
   * @return the name
   */
  public String displayName() {
    return displayName;
  }

  /**
   * True for float16, bfloat16, float32 and float64.
   *
   * @return whether this is one of those
   */
  public boolean isFloatingPoint() {
    return this == HALF || this == BFLOAT16 || this == FLOAT || this == DOUBLE;
  }

  /**
   * True for the plain integer types (not bool, not quantized).
   *
   * @return whether this is a signed or unsigned integer type
   */
  public boolean isIntegral() {
    return switch (this) {
      case BYTE, CHAR, SHORT, INT, LONG, UINT16, UINT32, UINT64 -> true;
      default -> false;
    };
  }

  /**
   * The type with this code, or null if the code names none.
   *
   * @param code an ExecuTorch scalar type code
   * @return the type, or null
   */
  public static ScalarType fromCodeOrNull(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /**
   * The type with this code.
   *
   * @param code an ExecuTorch scalar type code
   * @param where what the code was read from, for the error message
   * @return the type
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
