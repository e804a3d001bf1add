package org.et4j.kernels.portable.sample;

import java.util.Arrays;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * Helpers shared by the sampling ops of this family: C++ arithmetic in a kernel's {@code CTYPE}
 * (each operation rounded to the type, as the templated portable kernels compute) and the
 * dim-order check of {@code kernel_ops_util}.
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

  /** ExecuTorch's {@code tensor_is_default_or_channels_last_dim_order}. */
  static void defaultOrChannelsLast(String op, TensorImpl t, String name) {
    if (!t.isContiguous() && !KernelChecks.isChannelsLast(t)) {
      throw KernelChecks.invalid(
          op,
          name
              + " must have the contiguous or channels-last dim order, not "
              + Arrays.toString(t.dimOrder()));
    }
  }
}
