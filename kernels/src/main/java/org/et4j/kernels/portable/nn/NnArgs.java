package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ErrorCode;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The resize and the dtype-generic matrix product shared by the ops of this package (their argument
 * checks are in {@link org.et4j.kernels.util.KernelChecks}).
 */
final class NnArgs {
  private NnArgs() {}

  /** Resizes {@code out}; a refused resize is ExecuTorch's InvalidArgument, naming the op. */
  static void resize(String op, TensorImpl out, int... sizes) {
    try {
      out.resize(sizes);
    } catch (ExecuTorchException e) {
      throw new ExecuTorchException(
          ErrorCode.INVALID_ARGUMENT,
          op + ": cannot resize out " + out.describe() + " to " + Arrays.toString(sizes),
          e);
    }
  }

  /**
   * {@code C = alpha * op(A) op(B) + beta * D} in any dtype, over the geometry {@code g} (its
   * sizes, transposes, leading dimensions and addend strides): float32 goes to the chosen {@link
   * Sgemm} with {@code g}'s own float scales; integers, float16 and bfloat16 are computed as
   * ExecuTorch's portable kernels do ({@link ElementTypeMatmul}); float64 is summed in order in
   * double, as there. Those take {@code alpha} and {@code beta} as given, not rounded to float.
   * {@code d} is read only when {@code beta != 0}.
   */
  static void gemm(
      ScalarType t, GemmShape g, double alpha, double beta, MemorySegment a, long aOff,
      MemorySegment b, long bOff, MemorySegment d, long dOff, MemorySegment c, long cOff) {
    if (t == ScalarType.FLOAT) {
      Sgemm.get().multiply(g, a, aOff, b, bOff, d, dOff, c, cOff);
      return;
    }
    int m = g.m();
    int n = g.n();
    int k = g.k();
    long lda = g.lda();
    long ldb = g.ldb();
    long ldc = g.ldc();
    boolean ta = g.transA();
    boolean tb = g.transB();
    long dRs = g.addendRowStride();
    long dCs = g.addendColStride();
    if (ElementTypeMatmul.handles(t)) {
      ElementTypeMatmul.portable(
          t, m, n, k, alpha, a, aOff, lda, ta, b, bOff, ldb, tb, beta, d, dOff, dRs, dCs, c, cOff, ldc);
      return;
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        if (alpha != 0) {
          for (int p = 0; p < k; p++) {
            double av = Elements.readDouble(t, a, aOff + (ta ? p * lda + i : i * lda + p));
            double bv = Elements.readDouble(t, b, bOff + (tb ? j * ldb + p : p * ldb + j));
            s += av * bv;
          }
        }
        double v = alpha * s;
        if (beta != 0) {
          v += beta * Elements.readDouble(t, d, dOff + i * dRs + j * dCs);
        }
        Elements.writeDouble(t, c, cOff + i * ldc + j, v);
      }
    }
  }

  /** The {@code i}-th value of an int list of length 1 or {@code n} (1 repeats), as ExecuTorch's {@code val_at}. */
  static long valAt(long[] list, int i, long ifEmpty) {
    if (list.length == 0) {
      return ifEmpty;
    }
    return list.length == 1 ? list[0] : list[i];
  }
}
