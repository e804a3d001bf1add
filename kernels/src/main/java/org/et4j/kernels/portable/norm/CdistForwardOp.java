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
 * {@code aten::_cdist_forward.out(Tensor x1, Tensor x2, float p, int? compute_mode, *, Tensor(a!)
 * out)}, as ExecuTorch's {@code op_cdist_forward.cpp}: the p-norm distance between every row of
 * {@code x1 [..., P, M]} and every row of {@code x2 [..., R, M]}, into {@code [..., P, R]}, with
 * the batch dims broadcast. Computed in the dtype's arithmetic; see {@link Distance}.
 */
public final class CdistForwardOp {
  static final String NAME = "aten::_cdist_forward.out";

  private CdistForwardOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(NAME, CdistForwardOp::bind);
  }

  private static KernelCall bind(Value[] args) {
    KernelChecks.argSlots(NAME, args, 5);
    TensorImpl x1 = args[0].toTensor();
    TensorImpl x2 = args[1].toTensor();
    double p = args[2].toDouble();
    Long mode = args[3].isNone() ? null : args[3].toInt();
    TensorImpl out = args[4].toTensor();

    // checks (check_cdist_args)
    ScalarType t = x1.dtype();
    if (x2.dtype() != t || out.dtype() != t) {
      throw KernelChecks.invalid(NAME, "x1, x2 and out must have one dtype: " + x1.describe() + ", " + x2.describe() + ", " + out.describe());
    }
    Reduction.requireFloating(NAME, "x1", t);
    if (x1.dim() < 2 || x2.dim() < 2) {
      throw KernelChecks.invalid(NAME, "x1 and x2 must have at least 2 dims");
    }
    if (!(p >= 0)) {
      throw KernelChecks.invalid(NAME, "cdist only supports non-negative p values; p = " + p);
    }
    if (mode != null && (mode < 0 || mode > 2)) {
      throw KernelChecks.invalid(NAME, "possible modes: 0, 1, 2, but was: " + mode);
    }
    if (!x1.isContiguous() || !x2.isContiguous() || !out.isContiguous()) {
      throw KernelChecks.invalid(NAME, "only the contiguous dim order is supported");
    }

    return ctx -> {
      int m = x1.size(x1.dim() - 1);
      if (x2.size(x2.dim() - 1) != m) {
        throw KernelChecks.invalid(NAME, "x1 " + x1.describe() + " and x2 " + x2.describe() + " must have the same last dim");
      }
      int b1 = x1.dim() - 2;
      int b2 = x2.dim() - 2;
      int rank = Math.max(b1, b2);
      int[] batch = new int[rank];
      for (int i = 0; i < rank; i++) {
        int s1 = i - (rank - b1) >= 0 ? x1.size(i - (rank - b1)) : 1;
        int s2 = i - (rank - b2) >= 0 ? x2.size(i - (rank - b2)) : 1;
        if (s1 != s2 && s1 != 1 && s2 != 1) {
          throw KernelChecks.invalid(NAME, "batch dims of " + x1.describe() + " and " + x2.describe() + " do not broadcast");
        }
        batch[i] = s1 == 1 ? s2 : s1;
      }
      int pRows = x1.size(x1.dim() - 2);
      int rRows = x2.size(x2.dim() - 2);
      int[] outSizes = new int[rank + 2];
      System.arraycopy(batch, 0, outSizes, 0, rank);
      outSizes[rank] = pRows;
      outSizes[rank + 1] = rRows;
      Reduction.resize(NAME, out, outSizes);
      if (out.numel() == 0) {
        return;
      }
      MemorySegment od = out.data();
      if (m == 0) {
        for (long i = 0; i < out.numel(); i++) {
          Elements.writeDouble(t, od, i, 0);
        }
        return;
      }
      long[] base1 = batchBases(batch, x1, (long) pRows * m);
      long[] base2 = batchBases(batch, x2, (long) rRows * m);
      long o = 0;
      for (int bi = 0; bi < base1.length; bi++) {
        for (int i = 0; i < pRows; i++) {
          for (int j = 0; j < rRows; j++) {
            double dist =
                Distance.distance(t, x1.data(), base1[bi] + (long) i * m, x2.data(), base2[bi] + (long) j * m, m, p);
            Elements.writeDouble(t, od, o++, dist);
          }
        }
      }
    };
  }

  /** The element offset of each broadcast batch's matrix in {@code x}. */
  private static long[] batchBases(int[] batch, TensorImpl x, long matrixSize) {
    int rank = batch.length;
    int xb = x.dim() - 2;
    long[] strides = new long[rank];
    long s = matrixSize;
    for (int i = xb - 1; i >= 0; i--) {
      int d = i + (rank - xb);
      strides[d] = x.size(i) == 1 ? 0 : s;
      s *= x.size(i);
    }
    return Reduction.offsets(batch, strides);
  }
}
