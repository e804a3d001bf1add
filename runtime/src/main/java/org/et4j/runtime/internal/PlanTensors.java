package org.et4j.runtime.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.ShapeDynamism;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.schema.program.Tensor;

/**
 * Validation and decoding of serialized tensors ({@code executorch_flatbuffer::Tensor}), shared by
 * metadata and method loading: ExecuTorch's {@code validate_tensor} plus the checks its tensor
 * parser makes (rank, dim order, storage offset).
 */
public final class PlanTensors {
  private PlanTensors() {}

  /** The decoded, validated description of a serialized tensor. */
  public record Decoded(ScalarType dtype, int[] sizes, int[] dimOrder, ShapeDynamism dynamism, long nbytes) {}

  /**
   * Decodes {@code t}.
   *
   * @param where e.g. {@code method 'forward' value 12}
   */
  public static Decoded decode(Tensor t, String where) {
    ScalarType dtype = ScalarType.fromCodeOrNull(t.scalarType());
    if (dtype == null) {
      throw ExecuTorchException.invalidProgram("invalid scalar type " + t.scalarType() + " in tensor at " + where);
    }
    int rank = t.sizesLength();
    if (t.sizesVector() == null) {
      throw ExecuTorchException.invalidProgram("tensor at " + where + " has null sizes");
    }
    if (rank > TensorImpl.MAX_RANK) {
      throw ExecuTorchException.invalidProgram(
          "tensor at " + where + " has rank " + rank + "; the maximum is " + TensorImpl.MAX_RANK);
    }
    int[] sizes = new int[rank];
    for (int i = 0; i < rank; i++) {
      int s = t.sizes(i);
      if (s < 0) {
        throw ExecuTorchException.invalidProgram(
            "tensor at " + where + ": size must be non-negative, got " + s + " at dimension " + i);
      }
      sizes[i] = s;
    }
    long nbytes;
    try {
      long numel = 1;
      for (int s : sizes) {
        numel = Math.multiplyExact(numel, (long) s);
      }
      nbytes = Math.multiplyExact(numel, (long) dtype.elementSize());
    } catch (ArithmeticException e) {
      throw ExecuTorchException.invalidProgram(
          "tensor at " + where + ": byte size of " + dtype.displayName() + Arrays.toString(sizes) + " overflows 64 bits");
    }
    int[] order = new int[rank];
    int orderLen = t.dimOrderLength();
    if (orderLen == 0 && rank > 0) {
      for (int i = 0; i < rank; i++) {
        order[i] = i;
      }
    } else {
      if (orderLen != rank) {
        throw ExecuTorchException.invalidProgram(
            "tensor at " + where + " has dim_order of length " + orderLen + " for rank " + rank);
      }
      boolean[] seen = new boolean[rank];
      for (int i = 0; i < rank; i++) {
        int d = t.dimOrder(i);
        if (d >= rank || seen[d]) {
          throw ExecuTorchException.invalidProgram(
              "tensor at " + where + " has dim_order that is not a permutation of 0.." + (rank - 1));
        }
        seen[d] = true;
        order[i] = d;
      }
    }
    if (t.storageOffset() != 0) {
      throw ExecuTorchException.invalidProgram(
          "tensor at " + where + " has storage_offset " + t.storageOffset() + "; only 0 is supported");
    }
    ShapeDynamism dyn =
        switch (t.shapeDynamism()) {
          case 0 -> ShapeDynamism.STATIC;
          case 1 -> ShapeDynamism.DYNAMIC_BOUND;
          case 2 -> ShapeDynamism.DYNAMIC_UNBOUND;
          default ->
              throw ExecuTorchException.invalidProgram(
                  "tensor at " + where + " has invalid shape_dynamism " + t.shapeDynamism());
        };
    return new Decoded(dtype, sizes, order, dyn, nbytes);
  }

  /** The public metadata of a serialized tensor. */
  public static TensorInfo info(Tensor t, String where) {
    Decoded d = decode(t, where);
    return new TensorInfo(
        d.dtype(), toList(d.sizes()), toList(d.dimOrder()), d.dynamism(), t.allocationInfo() != null, d.nbytes());
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int x : a) {
      l.add(x);
    }
    return l;
  }
}
