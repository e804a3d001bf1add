package org.et4j.kernels.portable.norm;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.reduce.Reduction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::native_group_norm.out(Tensor input, Tensor? weight, Tensor? bias, SymInt N, SymInt
 * C, SymInt HxW, int group, float eps, *, Tensor(a!) out0, Tensor(b!) out1, Tensor(c!) out2)}, as
 * ExecuTorch's {@code op_native_group_norm.cpp}: per (batch, group), a float sum and sum of
 * squares give the mean and variance in double; outputs are {@code scale * x + beta} per channel
 * (or {@code (x - mean) * rstd} without weight and bias). Mean and rstd are {@code [N, group]}.
 */
public final class NativeGroupNormOp {
  static final String NAME = "aten::native_group_norm.out";

  private NativeGroupNormOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, NativeGroupNormOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 11);
    TensorImpl in = args[0].toTensor();
    TensorImpl weight = args[1].toOptionalTensor();
    TensorImpl bias = args[2].toOptionalTensor();
    Value nArg = args[3];
    Value cArg = args[4];
    Value hxwArg = args[5];
    long group = args[6].toInt();
    double eps = args[7].toDouble();
    TensorImpl out = args[8].toTensor();
    TensorImpl meanOut = args[9].toTensor();
    TensorImpl rstdOut = args[10].toTensor();

    ScalarType t = in.dtype();
    Reduction.requireFloating(NAME, "input", t);
    for (TensorImpl o : new TensorImpl[] {weight, bias, out, meanOut, rstdOut}) {
      if (o != null && o.dtype() != t) {
        throw KernelChecks.invalid(NAME, o.describe() + " must have the input's dtype " + t.displayName());
      }
    }
    if (!in.isContiguous()) {
      throw KernelChecks.invalid(NAME, "only the contiguous dim order is supported, not that of " + in.describe());
    }

    return ctx -> {
      long n = nArg.toInt();
      long c = cArg.toInt();
      long hxw = hxwArg.toInt();
      // checks (check_group_norm_args)
      if (in.dim() < 2 || in.size(0) != n || in.size(1) != c || in.numel() != n * c * hxw) {
        throw KernelChecks.invalid(NAME, "input " + in.describe() + " does not match N=" + n + ", C=" + c + ", HxW=" + hxw);
      }
      if (group <= 0 || c % group != 0) {
        throw KernelChecks.invalid(NAME, "C=" + c + " must be divisible by a positive group count, not " + group);
      }
      for (TensorImpl p : new TensorImpl[] {weight, bias}) {
        if (p != null && (p.dim() != 1 || p.size(0) != c)) {
          throw KernelChecks.invalid(NAME, "weight and bias must be vectors of C=" + c + " elements, not " + p.describe());
        }
      }
      Reduction.resize(NAME, out, in.sizes());
      Reduction.resize(NAME, meanOut, new int[] {(int) n, (int) group});
      Reduction.resize(NAME, rstdOut, new int[] {(int) n, (int) group});

      long leading = n * group;
      long d = c / group;
      long inner = d * hxw;
      if (leading == 0) {
        return;
      }
      MemorySegment md = meanOut.data();
      MemorySegment rd = rstdOut.data();
      if (inner == 0) {
        for (long i = 0; i < leading; i++) {
          Elements.writeDouble(t, md, i, 0);
          Elements.writeDouble(t, rd, i, Double.NaN);
        }
        return;
      }
      MemorySegment x = in.data();
      MemorySegment y = out.data();
      boolean dbl = t == ScalarType.DOUBLE;
      for (long i = 0; i < leading; i++) {
        long base = i * inner;
        float sum = 0f;
        float sqSum = 0f;
        for (long j = 0; j < inner; j++) {
          double v = Elements.readDouble(t, x, base + j);
          sum = (float) (sum + v);
          sqSum = (float) (sqSum + (dbl ? (double) (float) v * v : (double) (float) ((float) v * (float) v)));
        }
        double mean = (double) sum / inner;
        double variance = (double) sqSum / inner - mean * mean;
        double rstd = 1.0 / Math.sqrt(variance + eps);
        if (weight == null && bias == null) {
          for (long j = 0; j < inner; j++) {
            Elements.writeDouble(t, y, base + j, (Elements.readDouble(t, x, base + j) - mean) * rstd);
          }
        } else {
          long g = i % group;
          for (long j = 0; j < d; j++) {
            long ch = g * d + j;
            double scale = rstd * (weight == null ? 1.0 : Elements.readDouble(t, weight.data(), ch));
            double beta = -scale * mean + (bias == null ? 0.0 : Elements.readDouble(t, bias.data(), ch));
            long off = (i * d + j) * hxw;
            for (long k = 0; k < hxw; k++) {
              Elements.writeDouble(t, y, off + k, scale * Elements.readDouble(t, x, off + k) + beta);
            }
          }
        }
        Elements.writeDouble(t, md, i, mean);
        Elements.writeDouble(t, rd, i, rstd);
      }
    };
  }
}
