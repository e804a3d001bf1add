package org.et4j.kernels.qgemm;

/**
 * A reusable workspace for up to {@link #maxRows()} rows of {@code k} dynamically quantized
 * activations: the output of XNNPACK's {@code Convert} fp32 to {@code qdint8} and the left operand
 * of a {@code FullyConnected}. Each row holds {@code k} int8 values with its own zero point and
 * scale, so that {@code x(i, p) ~= (q(i, p) - zeroPoint(i)) * scale(i)}.
 *
 * <p>The values are kept three times: as bytes (what XNNPACK stores), and as floats and shorts
 * holding the same small integers exactly, which the vector kernels broadcast without a per-use
 * conversion (float lanes for int8 weights, int16 lanes for int4 weights).
 *
 * <p>Allocate one per delegate (or per thread) and reuse it: filling it allocates nothing. Not
 * thread-safe; one call fills or reads it at a time.
 */
public final class QuantizedRows {
  private final int maxRows;
  private final int k;
  final byte[] values;
  final float[] valuesAsFloat;
  final short[] valuesAsShort;
  final int[] zeroPoints;
  final float[] scales;
  int rows;

  private QuantizedRows(int maxRows, int k) {
    this.maxRows = maxRows;
    this.k = k;
    long elements = (long) maxRows * k;
    if (elements > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "quantized rows too large: " + maxRows + " x " + k + " elements");
    }
    this.values = new byte[(int) elements];
    this.valuesAsFloat = new float[(int) elements];
    this.valuesAsShort = new short[(int) elements];
    this.zeroPoints = new int[maxRows];
    this.scales = new float[maxRows];
  }

  /** A workspace for up to {@code maxRows} rows of {@code k} values each. */
  public static QuantizedRows allocate(int maxRows, int k) {
    if (maxRows < 0 || k <= 0) {
      throw new IllegalArgumentException(
          "need maxRows >= 0 and k > 0, got maxRows=" + maxRows + ", k=" + k);
    }
    return new QuantizedRows(maxRows, k);
  }

  /** How many rows the workspace can hold. */
  public int maxRows() {
    return maxRows;
  }

  /** The length of every row (the GEMM's reduction dimension). */
  public int k() {
    return k;
  }

  /** How many rows the last fill wrote. */
  public int rows() {
    return rows;
  }

  /** The int8 value at {@code (row, p)}. */
  public byte value(int row, int p) {
    checkRow(row);
    if (p < 0 || p >= k) {
      throw new IndexOutOfBoundsException("column " + p + " outside [0, " + k + ")");
    }
    return values[row * k + p];
  }

  /** The zero point of {@code row}, in [-128, 127]. */
  public int zeroPoint(int row) {
    checkRow(row);
    return zeroPoints[row];
  }

  /** The dequantization scale of {@code row}. */
  public float scale(int row) {
    checkRow(row);
    return scales[row];
  }

  /**
   * Fills the workspace from int8 values that were quantized elsewhere (e.g. by a {@code Convert}
   * node whose output is a separate tensor): {@code rows} rows of {@code k} bytes at {@code
   * src[srcOffset + i * ldSrc]}, with their zero points and scales.
   */
  public void load(int rows, byte[] src, int srcOffset, int ldSrc, int[] zeroPoints, float[] scales) {
    setRows(rows);
    for (int i = 0; i < rows; i++) {
      int from = srcOffset + i * ldSrc;
      int to = i * k;
      for (int p = 0; p < k; p++) {
        byte q = src[from + p];
        values[to + p] = q;
        valuesAsFloat[to + p] = q;
        valuesAsShort[to + p] = q;
      }
      int zp = zeroPoints[i];
      if (zp < -128 || zp > 127) {
        throw new IllegalArgumentException("zero point " + zp + " of row " + i + " is not int8");
      }
      this.zeroPoints[i] = zp;
      this.scales[i] = scales[i];
    }
  }

  void setRows(int rows) {
    if (rows < 0 || rows > maxRows) {
      throw new IllegalArgumentException(
          "workspace holds at most " + maxRows + " rows, asked for " + rows);
    }
    this.rows = rows;
  }

  private void checkRow(int row) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
    }
  }
}
