package org.et4j.backends.xnnpack.ops;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.backends.xnnpack.XnnDatatype;
import org.et4j.backends.xnnpack.XnnQuant;
import org.et4j.backends.xnnpack.XnnValue;

/**
 * A value of a running XNNPACK graph: XNNPACK's {@code xnn_runtime_value}. Its rank and datatype
 * are fixed; its dims are re-propagated from the inputs before each execution that changes an
 * input shape; its data is a constant's bytes, the memory of a DelegateCall argument (external
 * values, bound on every execution), or a slice of the delegate's arena planned by liveness.
 * Dense row-major in its (physical) dims. Not thread-safe: one graph runs on one thread at a time.
 */
public final class XTensor {
  public final XnnValue def;
  public final XnnDatatype type;
  /** Current dims; the array is reused, its length is the rank. */
  public final int[] dims;
  public MemorySegment data;
  /**
   * For qdint8 values, what the producing Convert computed: the int8 values (row-major, as the
   * dims), and per quantization row (the last {@code num_nonbatch_dims} dims) its zero point and
   * scale. Kept on the heap, where the quantized GEMM workspaces load them from.
   */
  public byte[] quantizedValues = new byte[0];
  public int[] zeroPoints = new int[0];
  public float[] scales = new float[0];
  /** Elements per quantization row of a qdint8 value. */
  public long quantizedRowLength;

  public XTensor(XnnValue def) {
    this.def = def;
    this.type = def.datatype();
    this.dims = def.dims().clone();
    this.data = def.constant();
  }

  public int rank() {
    return dims.length;
  }

  public long numel() {
    long n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** The last dim (1 for a scalar). */
  public int lastDim() {
    return dims.length == 0 ? 1 : dims[dims.length - 1];
  }

  /** Rows when the last {@code nonBatchDims} dims form a row (the rest are batch). */
  public long rows(int nonBatchDims) {
    long n = 1;
    for (int i = 0; i < dims.length - nonBatchDims; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Bytes the current dims occupy. */
  public long byteSize() {
    return type.storageBytes(numel(), lastDim());
  }

  public boolean isConstant() {
    return def.isConstant();
  }

  public XnnQuant quant() {
    return def.quant();
  }

  /** Sets the dims (same rank). */
  public void setDims(int... newDims) {
    System.arraycopy(newDims, 0, dims, 0, dims.length);
  }

  public String describe() {
    return "value " + Integer.toUnsignedLong(def.id()) + " " + type + Arrays.toString(dims);
  }
}
