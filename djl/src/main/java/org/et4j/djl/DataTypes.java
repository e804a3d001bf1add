package org.et4j.djl;

import ai.djl.ndarray.types.DataType;
import org.et4j.runtime.ScalarType;

/** DJL's {@link DataType} and et4j's {@link ScalarType} (ExecuTorch's dtypes), both ways. */
final class DataTypes {
  private DataTypes() {}

  /**
   * The et4j dtype of a DJL dtype.
   *
   * @throws IllegalArgumentException for DJL types ExecuTorch has no tensor type for (string,
   *     complex64, unknown)
   */
  static ScalarType toScalarType(DataType type) {
    return switch (type) {
      case FLOAT32 -> ScalarType.FLOAT;
      case FLOAT64 -> ScalarType.DOUBLE;
      case FLOAT16 -> ScalarType.HALF;
      case BFLOAT16 -> ScalarType.BFLOAT16;
      case UINT8 -> ScalarType.BYTE;
      case INT8 -> ScalarType.CHAR;
      case INT16 -> ScalarType.SHORT;
      case INT32 -> ScalarType.INT;
      case INT64 -> ScalarType.LONG;
      case BOOLEAN -> ScalarType.BOOL;
      case UINT16 -> ScalarType.UINT16;
      case UINT32 -> ScalarType.UINT32;
      case UINT64 -> ScalarType.UINT64;
      case STRING, COMPLEX64, UNKNOWN ->
          throw new IllegalArgumentException("et4j tensors have no " + type + " type");
    };
  }

  /**
   * The DJL dtype of an et4j dtype.
   *
   * @throws IllegalArgumentException for ExecuTorch types DJL has no type for (quantized, float8,
   *     bits16, sub-byte)
   */
  static DataType toDataType(ScalarType type) {
    return switch (type) {
      case FLOAT -> DataType.FLOAT32;
      case DOUBLE -> DataType.FLOAT64;
      case HALF -> DataType.FLOAT16;
      case BFLOAT16 -> DataType.BFLOAT16;
      case BYTE -> DataType.UINT8;
      case CHAR -> DataType.INT8;
      case SHORT -> DataType.INT16;
      case INT -> DataType.INT32;
      case LONG -> DataType.INT64;
      case BOOL -> DataType.BOOLEAN;
      case UINT16 -> DataType.UINT16;
      case UINT32 -> DataType.UINT32;
      case UINT64 -> DataType.UINT64;
      default ->
          throw new IllegalArgumentException(
              "DJL has no data type for et4j's " + type.displayName());
    };
  }
}
