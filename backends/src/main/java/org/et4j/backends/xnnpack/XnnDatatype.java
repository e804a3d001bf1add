package org.et4j.backends.xnnpack;

/**
 * XNNPACK's {@code xnn_datatype} as the payload serializes it ({@code XNNDatatype} in the schema).
 * The element size is what one value occupies in et4j's buffers; 4-bit types pack two per byte
 * and report 1 (their buffers are sized by {@link #storageBytes}).
 */
public enum XnnDatatype {
  INVALID(0, "invalid", 0),
  FP32(1, "fp32", 4),
  FP16(2, "fp16", 2),
  QINT8(3, "qint8", 1),
  QUINT8(4, "quint8", 1),
  QINT32(5, "qint32", 4),
  QCINT8(6, "qcint8", 1),
  QCINT32(7, "qcint32", 4),
  QCINT4(8, "qcint4", 1),
  QDINT8(9, "qdint8", 1),
  QBINT4(10, "qbint4", 1),
  QPINT8(11, "qpint8", 1),
  INT32(12, "int32", 4),
  PFP32(13, "pfp32", 4),
  BF16(14, "bf16", 2);

  private static final XnnDatatype[] BY_CODE = values();

  private final int code;
  private final String displayName;
  private final int elementSize;

  XnnDatatype(int code, String displayName, int elementSize) {
    this.code = code;
    this.displayName = displayName;
    this.elementSize = elementSize;
  }

  /** The datatype with serialized code {@code code}, or null for an unknown code. */
  public static XnnDatatype ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  public int code() {
    return code;
  }

  public String displayName() {
    return displayName;
  }

  /** True for the 4-bit weight types, stored two values per byte. */
  public boolean isNibble() {
    return this == QCINT4 || this == QBINT4;
  }

  /**
   * Bytes that {@code numel} values occupy when laid out as {@code rows} rows (4-bit types pad each
   * row to a whole byte, as the exporter does).
   */
  public long storageBytes(long numel, long rowLength) {
    if (isNibble()) {
      long rows = rowLength == 0 ? 0 : numel / rowLength;
      return rows * ((rowLength + 1) / 2);
    }
    return numel * elementSize;
  }

  public int elementSize() {
    return elementSize;
  }

  /**
   * The dtype a caller's tensor must have to cross the delegate boundary as a value of this type,
   * or null if no tensor can: an int32 output may be an int64 tensor (the delegate widens it, as
   * ExecuTorch's XNNPACK executor does). One rule for the Java delegate and the native bridge.
   *
   * @param given the caller's tensor's dtype
   * @param output whether the value is a graph output
   */
  public org.et4j.runtime.ScalarType boundaryDtype(org.et4j.runtime.ScalarType given, boolean output) {
    return switch (this) {
      case FP32 -> org.et4j.runtime.ScalarType.FLOAT;
      case FP16 -> org.et4j.runtime.ScalarType.HALF;
      case BF16 -> org.et4j.runtime.ScalarType.BFLOAT16;
      case INT32 -> given == org.et4j.runtime.ScalarType.LONG && output
          ? org.et4j.runtime.ScalarType.LONG : org.et4j.runtime.ScalarType.INT;
      case QINT8 -> org.et4j.runtime.ScalarType.CHAR;
      case QUINT8 -> org.et4j.runtime.ScalarType.BYTE;
      default -> null;
    };
  }

  @Override
  public String toString() {
    return displayName;
  }
}
