package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * The window walk shared by {@code avg_pool2d} and {@code max_pool2d_with_indices}: ExecuTorch's
 * {@code kernel_reduction_then_map_2d} and its argument checks and output-size rule. Inputs are
 * 3-D {@code [C, H, W]} or 4-D {@code [N, C, H, W]} in the default or channels-last dim order
 * (both are read through strides).
 */
final class Pooling2d {
  private Pooling2d() {}

  /** What a pool computes over each window. */
  enum Reduction {
    /** Sum of in-bounds values, divided by a count or a divisor override. */
    AVERAGE,
    /** The first largest in-bounds value and its {@code h * W + w} index. */
    MAX
  }

  /** Kernel, stride, padding and dilation as (height, width) pairs after ExecuTorch's defaults. */
  record Window(int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, boolean ceil) {}

  /** Checks {@code check_avg_pool2d_args} / {@code check_max_pool2d_with_indices_args}. */
  static Window window(
      String op, Value kernel, Value stride, Value padding, Value dilation, boolean ceil) {
    long[] k = kernel.toIntList();
    long[] s = stride.toIntList();
    long[] p = padding.toIntList();
    long[] d = dilation == null ? new long[0] : dilation.toIntList();
    list(op, "kernel_size", k, 1, false);
    list(op, "stride", s, 1, true);
    list(op, "padding", p, 0, false);
    if (dilation != null) {
      list(op, "dilation", d, 1, false);
    }
    int kH = (int) NnArgs.valAt(k, 0, 1);
    int kW = (int) NnArgs.valAt(k, 1, 1);
    int pH = (int) NnArgs.valAt(p, 0, 0);
    int pW = (int) NnArgs.valAt(p, 1, 0);
    if (pH > kH / 2 || pW > kW / 2) {
      throw KernelChecks.invalid(
          op,
          "padding "
              + Arrays.toString(p)
              + " must be at most half of kernel_size "
              + Arrays.toString(k));
    }
    return new Window(
        kH,
        kW,
        (int) NnArgs.valAt(s, 0, kH),
        (int) NnArgs.valAt(s, 1, kW),
        pH,
        pW,
        (int) NnArgs.valAt(d, 0, 1),
        (int) NnArgs.valAt(d, 1, 1),
        ceil);
  }

  private static void list(String op, String what, long[] v, long min, boolean allowEmpty) {
    if (!(v.length == 1 || v.length == 2 || (allowEmpty && v.length == 0))) {
      throw KernelChecks.invalid(op, what + " must have 1 or 2 values, got " + Arrays.toString(v));
    }
    for (long x : v) {
      if (x < min || x > Integer.MAX_VALUE) {
        throw KernelChecks.invalid(op, what + " values must be >= " + min + ", got " + Arrays.toString(v));
      }
    }
  }

  /** A 3-D or 4-D input with non-empty channel and spatial dims, as ExecuTorch requires. */
  static void checkInput(String op, TensorImpl in) {
    boolean ok =
        (in.dim() == 3 && in.size(0) > 0 && in.size(1) > 0 && in.size(2) > 0)
            || (in.dim() == 4 && in.size(1) > 0 && in.size(2) > 0 && in.size(3) > 0);
    if (!ok) {
      throw KernelChecks.invalid(
          op, "expected a 3-D or 4-D (batch mode) input with non-empty C, H, W, got " + in.describe());
    }
    if (!isDefaultOrChannelsLast(in)) {
      throw KernelChecks.invalid(op, "input must be in the default or channels-last dim order");
    }
  }

  static boolean isDefaultOrChannelsLast(TensorImpl t) {
    if (t.isContiguous()) {
      return true;
    }
    int[] o = t.dimOrder();
    return (o.length == 4 && o[0] == 0 && o[1] == 2 && o[2] == 3 && o[3] == 1)
        || (o.length == 3 && o[0] == 1 && o[1] == 2 && o[2] == 0);
  }

  /** ExecuTorch's {@code _kernel_output_size_helper}, with ceil mode. */
  static int outputSize(int in, int k, int pad, int stride, int dilation, boolean ceil) {
    long numerator = (long) in + 2L * pad - (long) dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
    long size = Math.floorDiv(numerator, stride) + 1;
    if (ceil && (size - 1) * stride >= (long) in + pad) {
      size--;
    }
    return (int) Math.max(0, size);
  }

  /** The output sizes for {@code in} in a new array (for callers outside the hot path). */
  static int[] outputSizes(String op, TensorImpl in, Window w) {
    return outputSizes(op, in, w, new int[in.dim()]);
  }

  /**
   * Fills {@code sizes} (of the input's rank) with the output sizes for {@code in}, or throws an
   * error naming the op when they would be empty.
   */
  static int[] outputSizes(String op, TensorImpl in, Window w, int[] sizes) {
    int rank = in.dim();
    for (int d = 0; d < rank; d++) {
      sizes[d] = in.size(d);
    }
    int oh = outputSize(in.size(rank - 2), w.kH(), w.pH(), w.sH(), w.dH(), w.ceil());
    int ow = outputSize(in.size(rank - 1), w.kW(), w.pW(), w.sW(), w.dW(), w.ceil());
    if (oh < 1 || ow < 1) {
      throw KernelChecks.invalid(
          op, "window " + w + " gives an empty output for input " + in.describe());
    }
    sizes[rank - 2] = oh;
    sizes[rank - 1] = ow;
    return sizes;
  }

  /**
   * Runs the reduction over every output element. {@code out} and {@code indices} (may be null)
   * are already resized. An output whose window holds no input element is left as it is, as in
   * ExecuTorch (it cannot happen with the padding and ceil-mode rules above).
   */
  static void run(
      Reduction reduction,
      TensorImpl in,
      Window w,
      boolean includePad,
      long divisor,
      TensorImpl out,
      TensorImpl indices) {
    ScalarType t = in.dtype();
    boolean f32 = t == ScalarType.FLOAT;
    boolean integral = t.isIntegral();
    int rank = in.dim();
    int n = rank == 4 ? in.size(0) : 1;
    int c = in.size(rank - 3);
    int h = in.size(rank - 2);
    int wd = in.size(rank - 1);
    int oh = out.size(rank - 2);
    int ow = out.size(rank - 1);
    long isN = rank == 4 ? in.stride(0) : 0;
    long isC = in.stride(rank - 3);
    long isH = in.stride(rank - 2);
    long isW = in.stride(rank - 1);
    long osN = rank == 4 ? out.stride(0) : 0;
    long osC = out.stride(rank - 3);
    long osH = out.stride(rank - 2);
    long osW = out.stride(rank - 1);
    MemorySegment x = in.data();
    MemorySegment y = out.data();
    MemorySegment idx = indices == null ? null : indices.data();
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        long inBase = b * isN + ch * isC;
        long outBase = b * osN + ch * osC;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int h0 = oy * w.sH() - w.pH();
            int w0 = ox * w.sW() - w.pW();
            int h1 = Math.min(h0 + w.kH(), h + w.pH());
            int w1 = Math.min(w0 + w.kW(), wd + w.pW());
            long poolSize = (long) (h1 - h0) * (w1 - w0);
            h0 = Math.max(h0, 0);
            w0 = Math.max(w0, 0);
            h1 = Math.min(h1, h);
            w1 = Math.min(w1, wd);
            if (h0 >= h1 || w0 >= w1) {
              continue;
            }
            long count = includePad ? poolSize : (long) (h1 - h0) * (w1 - w0);
            double acc = 0;
            long accLong = 0;
            long accIdx = 0;
            boolean seen = false;
            for (int ky = 0; ky < w.kH(); ky++) {
              int iy = w.sH() * oy + w.dH() * ky - w.pH();
              if (iy < 0 || iy >= h) {
                continue;
              }
              for (int kx = 0; kx < w.kW(); kx++) {
                int ix = w.sW() * ox + w.dW() * kx - w.pW();
                if (ix < 0 || ix >= wd) {
                  continue;
                }
                long at = inBase + iy * isH + ix * isW;
                if (reduction == Reduction.MAX && integral) {
                  // Integers compare as integers: through double, int64 values past 2^53 would
                  // round, and Long.MAX_VALUE would come back as Long.MIN_VALUE.
                  long v = Elements.readLong(t, x, at);
                  if (!seen || v > accLong) {
                    accLong = v;
                    accIdx = (long) iy * wd + ix;
                  }
                } else if (reduction == Reduction.MAX) {
                  double v = f32 ? x.getAtIndex(Elements.F32, at) : Elements.readDouble(t, x, at);
                  // ExecuTorch keeps the first largest value; a NaN never replaces it.
                  if (!seen || v > acc) {
                    acc = v;
                    accIdx = (long) iy * wd + ix;
                  }
                } else if (integral) {
                  accLong += Elements.readLong(t, x, at);
                } else {
                  acc += f32 ? x.getAtIndex(Elements.F32, at) : Elements.readDouble(t, x, at);
                }
                seen = true;
              }
            }
            long o = outBase + oy * osH + ox * osW;
            if (reduction == Reduction.MAX) {
              if (integral) {
                Elements.writeLong(t, y, o, accLong);
              } else {
                Elements.writeDouble(t, y, o, acc);
              }
              idx.setAtIndex(Elements.I64, o, accIdx);
            } else if (integral) {
              // int64 averages divide as integers, truncating, as the C++ kernel's CTYPE does.
              Elements.writeLong(t, y, o, accLong / (divisor != 0 ? divisor : count));
            } else {
              Elements.writeDouble(t, y, o, acc / (divisor != 0 ? divisor : count));
            }
          }
        }
      }
    }
  }
}
