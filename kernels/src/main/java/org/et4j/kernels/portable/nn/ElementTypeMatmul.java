package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.ScalarType;

/**
 * Matrix products over integers, float16 and bfloat16 with ExecuTorch's arithmetic, bit for bit.
 *
 * <p>Portable {@code mm}, {@code bmm} and {@code addmm} ({@code vec_matmul}, {@code vec_addmm},
 * {@code bmm_out_impl}) keep the sum in the element type: {@code CTYPE sum = 0; sum += x * y}.
 * Integers therefore wrap (the result is the exact sum modulo 2^bits, whatever the order), which
 * long arithmetic narrowed at the end reproduces. A float16 or bfloat16 product is computed in float
 * and rounded to the element type, and so is every partial sum (c10's {@code Half} and {@code
 * BFloat16} operators), so a long row can stop growing where a sum rounded once would not.
 * {@code addmm} then stores {@code T(T(sum * alpha) + T(self * beta))}.
 *
 * <p>The optimized library's {@code mm}, {@code bmm} and {@code linear}, which the ExecuTorch
 * runtime registers over the portable ones (its Python runtime, which made the conformance
 * fixtures, does), run {@code cpublas::gemm}: integers again wrap; float16 and bfloat16 are summed
 * in float in four partial sums (products {@code l}, {@code l+1}, {@code l+2}, {@code l+3} of each
 * group of four into sums 0..3, the tail into sum 0, then sum 0 += 1, += 2, += 3) and rounded
 * once, after the bias was added in float.
 */
final class ElementTypeMatmul {
  private ElementTypeMatmul() {}

  /** True for the dtypes this class computes: the integers, float16 and bfloat16. */
  static boolean handles(ScalarType t) {
    return t.isIntegral() || t == ScalarType.HALF || t == ScalarType.BFLOAT16;
  }

  /**
   * The portable kernels' {@code C = alpha * op(A) op(B) + beta * D}, with {@link NnArgs#gemm}'s
   * argument conventions ({@code d} null: no addend).
   */
  static void portable(
      ScalarType t, int m, int n, int k, double alpha, MemorySegment a, long aOff, long lda, boolean ta,
      MemorySegment b, long bOff, long ldb, boolean tb, double beta, MemorySegment d, long dOff, long dRs,
      long dCs, MemorySegment c, long cOff, long ldc) {
    if (t.isIntegral()) {
      long alphaT = integerScalar(t, alpha);
      long betaT = integerScalar(t, beta);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long sum = 0;
          for (int p = 0; p < k; p++) {
            sum += Elements.readLong(t, a, aOff + (ta ? p * lda + i : i * lda + p))
                * Elements.readLong(t, b, bOff + (tb ? j * ldb + p : p * ldb + j));
          }
          long v = sum * alphaT;
          if (d != null) {
            v += Elements.readLong(t, d, dOff + i * dRs + j * dCs) * betaT;
          }
          Elements.writeLong(t, c, cOff + i * ldc + j, v);
        }
      }
      return;
    }
    ReducedFloat r = ReducedFloat.of(t);
    float alphaT = r.round((float) alpha);
    float betaT = r.round((float) beta);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float sum = 0;
        for (int p = 0; p < k; p++) {
          float x = r.read(a, aOff + (ta ? p * lda + i : i * lda + p));
          float y = r.read(b, bOff + (tb ? j * ldb + p : p * ldb + j));
          sum = r.round(sum + r.round(x * y));
        }
        float v = r.round(sum * alphaT);
        if (d != null) {
          v = r.round(v + r.round(r.read(d, dOff + i * dRs + j * dCs) * betaT));
        }
        r.write(c, cOff + i * ldc + j, v);
      }
    }
  }

  /**
   * The optimized library's {@code cpublas::gemm} as {@code mm}, {@code bmm} and {@code linear}
   * call it: {@code C = op(A) op(B) (+ bias[j])}, with {@link NnArgs#gemm}'s argument conventions
   * ({@code bias} null: none; else one value per column, added in float before the rounding).
   */
  static void cpublas(
      ScalarType t, int m, int n, int k, MemorySegment a, long aOff, long lda, boolean ta, MemorySegment b,
      long bOff, long ldb, boolean tb, MemorySegment bias, MemorySegment c, long cOff, long ldc) {
    if (t.isIntegral()) {
      portable(t, m, n, k, 1, a, aOff, lda, ta, b, bOff, ldb, tb, bias == null ? 0 : 1, bias, 0, 0, 1, c, cOff,
          ldc);
      return;
    }
    ReducedFloat r = ReducedFloat.of(t);
    long aStep = ta ? lda : 1;
    long bStep = tb ? 1 : ldb;
    for (int i = 0; i < m; i++) {
      long ai = aOff + (ta ? i : i * lda);
      for (int j = 0; j < n; j++) {
        long bj = bOff + (tb ? j * ldb : j);
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int l = 0;
        for (; l + 4 <= k; l += 4) {
          s0 += r.read(a, ai + l * aStep) * r.read(b, bj + l * bStep);
          s1 += r.read(a, ai + (l + 1) * aStep) * r.read(b, bj + (l + 1) * bStep);
          s2 += r.read(a, ai + (l + 2) * aStep) * r.read(b, bj + (l + 2) * bStep);
          s3 += r.read(a, ai + (l + 3) * aStep) * r.read(b, bj + (l + 3) * bStep);
        }
        for (; l < k; l++) {
          s0 += r.read(a, ai + l * aStep) * r.read(b, bj + l * bStep);
        }
        s0 += s1;
        s0 += s2;
        s0 += s3;
        r.write(c, cOff + i * ldc + j, bias == null ? s0 : r.read(bias, j) + s0);
      }
    }
  }

  /** A Scalar as the integer element type, as {@code scalar_to<CTYPE>} casts it on x86. */
  static long integerScalar(ScalarType t, double v) {
    return t == ScalarType.LONG || t == ScalarType.UINT64 || t == ScalarType.UINT32
        ? Elements.doubleToLong(v)
        : Elements.doubleToInt(v);
  }

  /** float16 or bfloat16: elements read as float, values rounded to the type as c10 does. */
  enum ReducedFloat {
    HALF {
      @Override
      float round(float v) {
        return Float.float16ToFloat(Float.floatToFloat16(v));
      }

      @Override
      float read(MemorySegment s, long i) {
        return Float.float16ToFloat(s.getAtIndex(Elements.I16, i));
      }

      @Override
      void write(MemorySegment s, long i, float v) {
        s.setAtIndex(Elements.I16, i, Float.floatToFloat16(v));
      }
    },
    BFLOAT16 {
      @Override
      float round(float v) {
        return Elements.bf16ToFloat(Elements.floatToBf16(v));
      }

      @Override
      float read(MemorySegment s, long i) {
        return Elements.bf16ToFloat(s.getAtIndex(Elements.I16, i));
      }

      @Override
      void write(MemorySegment s, long i, float v) {
        s.setAtIndex(Elements.I16, i, Elements.floatToBf16(v));
      }
    };

    /** {@code v} rounded to this type (round to nearest even), as a float. */
    abstract float round(float v);

    /** Element {@code i} as a float (exact). */
    abstract float read(MemorySegment s, long i);

    /** Stores {@code v} rounded to this type as element {@code i}. */
    abstract void write(MemorySegment s, long i, float v);

    static ReducedFloat of(ScalarType t) {
      return switch (t) {
        case HALF -> HALF;
        case BFLOAT16 -> BFLOAT16;
        default -> throw new IllegalArgumentException(t + " is not float16 or bfloat16");
      };
    }
  }
}
