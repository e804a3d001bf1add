package org.et4j.kernels.portable.sample;

import java.util.Arrays;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.OpSupport;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * Helpers shared by the sampling, padding and gradient ops of this family: C++ arithmetic in a
 * kernel's {@code CTYPE} (each operation rounded to the type, as the templated portable kernels
 * compute), ExecuTorch's {@code val_at} for kernel parameter arrays and the dim-order checks of
 * {@code kernel_ops_util}.
 */
final class SampleSupport {
  private SampleSupport() {}

  /**
   * {@code v} as a variable of C++ type {@code t} holds it after {@code static_cast}: float32
   * rounding for float, float32 then float16 / bfloat16 rounding for the half types (c10's
   * {@code Half} and {@code BFloat16} compute in float and round on every assignment), truncation
   * toward zero and wrap-around for integers. Computing one {@code +, -, *, /} exactly in double
   * and rounding with this gives the C++ result of the same operation in {@code t}.
   */
  static double round(ScalarType t, double v) {
    return switch (t) {
      case DOUBLE -> v;
      case FLOAT -> (float) v;
      case HALF -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BFLOAT16 -> Elements.bf16ToFloat(Elements.floatToBf16((float) v));
      case BOOL -> v != 0.0 ? 1.0 : 0.0;
      default -> DtypeRules.wrap(t, Elements.doubleToLong(v));
    };
  }

  /** Element {@code i} of a tensor of dtype {@code t}, as a double (int64 exactly when it fits). */
  static double read(ScalarType t, java.lang.foreign.MemorySegment s, long i) {
    return Elements.readDouble(t, s, i);
  }

  /**
   * ExecuTorch's {@code val_at}: the only item of a one-item list for every index, item {@code i}
   * otherwise, {@code dflt} for an empty list.
   */
  static long valAt(long[] array, int i, long dflt) {
    if (array.length == 0) {
      return dflt;
    }
    return array.length == 1 ? array[0] : array[i];
  }

  /** ExecuTorch's {@code tensor_is_default_or_channels_last_dim_order}. */
  static void defaultOrChannelsLast(String op, TensorImpl t, String name) {
    if (!t.isContiguous() && !KernelChecks.isChannelsLast(t)) {
      throw OpSupport.invalid(
          op,
          name
              + " must have the contiguous or channels-last dim order, not "
              + Arrays.toString(t.dimOrder()));
    }
  }

  /**
   * ExecuTorch's {@code param_array_is_valid}: {@code length} items or one (or none when {@code
   * allowEmpty}), each at least {@code min}.
   */
  static long[] paramArray(String op, String name, Value v, int length, long min, boolean allowEmpty) {
    long[] a = v.toIntList();
    boolean sizeOk = a.length == 1 || a.length == length || (allowEmpty && a.length == 0);
    if (!sizeOk) {
      throw OpSupport.invalid(
          op,
          name
              + " must have "
              + (allowEmpty ? "0, " : "")
              + "1 or "
              + length
              + " items, got "
              + Arrays.toString(a));
    }
    for (long x : a) {
      if (x < min) {
        throw OpSupport.invalid(op, name + " items must be >= " + min + ", got " + Arrays.toString(a));
      }
    }
    return a;
  }

  /** ExecuTorch's {@code _kernel_output_size_helper} for a non-transposed window. */
  static long windowOutputSize(long inputSize, long kernel, long pad, long stride, long dilation, boolean ceilMode) {
    long numerator = inputSize + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
    // Java's long division truncates toward zero, as C++'s does.
    long outputSize = numerator / stride + 1;
    if (ceilMode && (outputSize - 1) * stride >= inputSize + pad) {
      outputSize--;
    }
    return outputSize;
  }

  /** ExecuTorch's {@code output_size_is_valid}: window dims positive, the others non-negative. */
  static void outputSizeValid(String op, long[] sizes, int windowDims) {
    for (int i = 0; i < sizes.length; i++) {
      boolean ok = i < sizes.length - windowDims ? sizes[i] >= 0 : sizes[i] > 0;
      if (!ok) {
        throw OpSupport.invalid(
            op, "the input and kernel parameters give the invalid output size " + Arrays.toString(sizes));
      }
    }
  }

  /** The tensor has exactly the sizes {@code expected}. */
  static void hasSizes(String op, TensorImpl t, String name, long[] expected) {
    boolean same = t.dim() == expected.length;
    for (int i = 0; same && i < expected.length; i++) {
      same = t.size(i) == expected[i];
    }
    if (!same) {
      throw OpSupport.invalid(
          op, name + " has sizes " + Arrays.toString(t.sizes()) + " but " + Arrays.toString(expected) + " was expected");
    }
  }
}
