package org.et4j.backends.xnnpack;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One value of an XNNPACK graph as the payload defines it ({@code XNNTensorValue}, maybe wrapped
 * in {@code XNNQuantizedTensorValue}), validated: its dims are the serialized upper bound in
 * physical order (NHWC for channels-last tensors), its constant bytes (if any) are resolved and
 * at least as long as the dims require.
 *
 * @param id the id nodes use ({@code id_out})
 * @param externalIndex index into the DelegateCall arguments, or -1 for an internal value
 * @param constant the constant bytes (read-only view), or null
 */
public record XnnValue(
    int id,
    XnnDatatype datatype,
    int[] dims,
    int externalIndex,
    boolean externalInput,
    boolean externalOutput,
    MemorySegment constant,
    XnnQuant quant) {
  public static final int FLAG_EXTERNAL_INPUT = 0x1;
  public static final int FLAG_EXTERNAL_OUTPUT = 0x2;
  /** XNNPACK's {@code XNN_INVALID_VALUE_ID}: no value (an absent bias, an internal external id). */
  public static final long INVALID_ID = 0xFFFFFFFFL;

  public boolean isConstant() {
    return constant != null;
  }

  public long numel() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  public String describe() {
    return "value " + id + " (" + datatype + Arrays.toString(dims)
        + (isConstant() ? ", constant" : externalIndex >= 0 ? ", external " + externalIndex : "") + ")";
  }
}
