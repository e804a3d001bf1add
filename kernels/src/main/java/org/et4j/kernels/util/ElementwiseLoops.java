package org.et4j.kernels.util;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongUnaryOperator;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The generic elementwise loops of the portable kernels (ExecuTorch's
 * {@code apply_{uni,bi,tri}tensor_elementwise_fn}): every input element is loaded and converted
 * to the compute type, the op runs in that type, the result is narrowed to the compute type and
 * then converted to the output's dtype. Floating compute types (float32, float64) run in the
 * {@code double} domain with float32 rounding after loads and results; integral and bool compute
 * types run in the {@code long} domain with C++ wrap-around after loads and results.
 *
 * <p>These loops are the reference path for every dtype and layout; ops add dtype-specialised
 * fast paths (float32 contiguous, Vector API) in front of them.
 */
public final class ElementwiseLoops {
  private ElementwiseLoops() {}

  /** A one-input op; implement the domain(s) the op supports. */
  public interface UnaryOp {
    default double applyAsDouble(double a) {
      throw new UnsupportedOperationException("floating domain");
    }

    default long applyAsLong(long a) {
      throw new UnsupportedOperationException("integral domain");
    }

    /** An op for floating compute types only. */
    static UnaryOp ofDouble(DoubleUnaryOperator f) {
      return of(f, null);
    }

    /** An op for integral/bool compute types only. */
    static UnaryOp ofLong(LongUnaryOperator g) {
      return of(null, g);
    }

    /** An op with a floating and an integral form (either may be null). */
    static UnaryOp of(DoubleUnaryOperator f, LongUnaryOperator g) {
      return new UnaryOp() {
        @Override
        public double applyAsDouble(double a) {
          return f.applyAsDouble(a);
        }

        @Override
        public long applyAsLong(long a) {
          return g.applyAsLong(a);
        }
      };
    }
  }

  /** A two-input op. */
  public interface BinaryOp {
    default double applyAsDouble(double a, double b) {
      throw new UnsupportedOperationException("floating domain");
    }

    default long applyAsLong(long a, long b) {
      throw new UnsupportedOperationException("integral domain");
    }

    /** An op for floating compute types only. */
    static BinaryOp ofDouble(DoubleBinaryOperator f) {
      return of(f, null);
    }

    /** An op for integral/bool compute types only. */
    static BinaryOp ofLong(LongBinaryOperator g) {
      return of(null, g);
    }

    /** An op with a floating and an integral form (either may be null). */
    static BinaryOp of(DoubleBinaryOperator f, LongBinaryOperator g) {
      return new BinaryOp() {
        @Override
        public double applyAsDouble(double a, double b) {
          return f.applyAsDouble(a, b);
        }

        @Override
        public long applyAsLong(long a, long b) {
          return g.applyAsLong(a, b);
        }
      };
    }
  }

  /** A three-input op. */
  public interface TernaryOp {
    default double applyAsDouble(double a, double b, double c) {
      throw new UnsupportedOperationException("floating domain");
    }

    default long applyAsLong(long a, long b, long c) {
      throw new UnsupportedOperationException("integral domain");
    }
  }

  /** True when {@code compute} runs in the double domain. */
  public static boolean isFloating(ScalarType compute) {
    return compute.isFloatingPoint();
  }

  /** Element {@code i} of a tensor of dtype {@code t}, converted to a floating compute type. */
  public static double loadDouble(ScalarType compute, ScalarType t, MemorySegment s, long i) {
    if (compute == ScalarType.DOUBLE) {
      return Elements.readDouble(t, s, i);
    }
    if (t == ScalarType.LONG) {
      return (float) s.getAtIndex(Elements.I64, i);
    }
    return (float) Elements.readDouble(t, s, i);
  }

  /** Element {@code i} converted to an integral or bool compute type. */
  public static long loadLong(ScalarType compute, ScalarType t, MemorySegment s, long i) {
    if (compute == ScalarType.BOOL) {
      return Elements.readBool(t, s, i) ? 1 : 0;
    }
    return DtypeRules.wrap(compute, Elements.readLong(t, s, i));
  }

  /** Runs {@code op} over input 0 of {@code it} into its output. */
  public static void unary(BroadcastIndexes it, ScalarType compute, UnaryOp op) {
    TensorImpl out = it.out();
    TensorImpl a = it.input(0);
    long n = it.numel();
    if (n == 0) {
      return;
    }
    ScalarType to = out.dtype();
    ScalarType ta = a.dtype();
    MemorySegment so = out.data();
    MemorySegment sa = a.data();
    boolean flat = it.isFlat();
    if (flat && compute == ScalarType.FLOAT && ta == ScalarType.FLOAT && to == ScalarType.FLOAT) {
      // The common case without per-element dtype dispatch.
      for (long i = 0; i < n; i++) {
        so.setAtIndex(Elements.F32, i, (float) op.applyAsDouble(sa.getAtIndex(Elements.F32, i)));
      }
      return;
    }
    if (flat && compute == ScalarType.BOOL && ta == ScalarType.BOOL && to == ScalarType.BOOL) {
      // Bool to bool (logical_not of an attention mask): the generic loop's two dtype dispatches
      // per element, skipped; the same values (any non-zero byte reads as true, 0/1 written).
      for (long i = 0; i < n; i++) {
        long r = op.applyAsLong(sa.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0);
        so.set(ValueLayout.JAVA_BYTE, i, r != 0 ? (byte) 1 : (byte) 0);
      }
      return;
    }
    if (!flat) {
      it.reset();
    }
    if (isFloating(compute)) {
      for (long i = 0; i < n; i++) {
        long oi = flat ? i : it.offset(0);
        long ai = flat ? i : it.offset(1);
        double r = op.applyAsDouble(loadDouble(compute, ta, sa, ai));
        Elements.writeDouble(to, so, oi, DtypeRules.round(compute, r));
        if (!flat) {
          it.advance();
        }
      }
    } else {
      for (long i = 0; i < n; i++) {
        long oi = flat ? i : it.offset(0);
        long ai = flat ? i : it.offset(1);
        long r = op.applyAsLong(loadLong(compute, ta, sa, ai));
        Elements.writeLong(to, so, oi, DtypeRules.wrap(compute, r));
        if (!flat) {
          it.advance();
        }
      }
    }
  }

  /** Runs {@code op} over inputs 0 and 1 of {@code it} into its output. */
  public static void binary(BroadcastIndexes it, ScalarType compute, BinaryOp op) {
    TensorImpl out = it.out();
    TensorImpl a = it.input(0);
    TensorImpl b = it.input(1);
    long n = it.numel();
    if (n == 0) {
      return;
    }
    ScalarType to = out.dtype();
    ScalarType ta = a.dtype();
    ScalarType tb = b.dtype();
    MemorySegment so = out.data();
    MemorySegment sa = a.data();
    MemorySegment sb = b.data();
    boolean flat = it.isFlat();
    if (compute == ScalarType.FLOAT
        && ta == ScalarType.FLOAT
        && tb == ScalarType.FLOAT
        && to == ScalarType.FLOAT) {
      // The common case without per-element dtype dispatch.
      if (!flat) {
        it.reset();
      }
      for (long i = 0; i < n; i++) {
        long oi = flat ? i : it.offset(0);
        long ai = flat ? i : it.offset(1);
        long bi = flat ? i : it.offset(2);
        float r =
            (float) op.applyAsDouble(sa.getAtIndex(Elements.F32, ai), sb.getAtIndex(Elements.F32, bi));
        so.setAtIndex(Elements.F32, oi, r);
        if (!flat) {
          it.advance();
        }
      }
      return;
    }
    if (!flat) {
      it.reset();
    }
    if (isFloating(compute)) {
      for (long i = 0; i < n; i++) {
        long oi = flat ? i : it.offset(0);
        long ai = flat ? i : it.offset(1);
        long bi = flat ? i : it.offset(2);
        double r =
            op.applyAsDouble(loadDouble(compute, ta, sa, ai), loadDouble(compute, tb, sb, bi));
        Elements.writeDouble(to, so, oi, DtypeRules.round(compute, r));
        if (!flat) {
          it.advance();
        }
      }
    } else {
      for (long i = 0; i < n; i++) {
        long oi = flat ? i : it.offset(0);
        long ai = flat ? i : it.offset(1);
        long bi = flat ? i : it.offset(2);
        long r = op.applyAsLong(loadLong(compute, ta, sa, ai), loadLong(compute, tb, sb, bi));
        Elements.writeLong(to, so, oi, DtypeRules.wrap(compute, r));
        if (!flat) {
          it.advance();
        }
      }
    }
  }

  /** Runs {@code op} over inputs 0, 1 and 2 of {@code it} into its output. */
  public static void ternary(BroadcastIndexes it, ScalarType compute, TernaryOp op) {
    TensorImpl out = it.out();
    TensorImpl a = it.input(0);
    TensorImpl b = it.input(1);
    TensorImpl c = it.input(2);
    long n = it.numel();
    if (n == 0) {
      return;
    }
    ScalarType to = out.dtype();
    ScalarType ta = a.dtype();
    ScalarType tb = b.dtype();
    ScalarType tc = c.dtype();
    MemorySegment so = out.data();
    MemorySegment sa = a.data();
    MemorySegment sb = b.data();
    MemorySegment sc = c.data();
    boolean flat = it.isFlat();
    if (!flat) {
      it.reset();
    }
    boolean floating = isFloating(compute);
    for (long i = 0; i < n; i++) {
      long oi = flat ? i : it.offset(0);
      long ai = flat ? i : it.offset(1);
      long bi = flat ? i : it.offset(2);
      long ci = flat ? i : it.offset(3);
      if (floating) {
        double r =
            op.applyAsDouble(
                loadDouble(compute, ta, sa, ai),
                loadDouble(compute, tb, sb, bi),
                loadDouble(compute, tc, sc, ci));
        Elements.writeDouble(to, so, oi, DtypeRules.round(compute, r));
      } else {
        long r =
            op.applyAsLong(
                loadLong(compute, ta, sa, ai),
                loadLong(compute, tb, sb, bi),
                loadLong(compute, tc, sc, ci));
        Elements.writeLong(to, so, oi, DtypeRules.wrap(compute, r));
      }
      if (!flat) {
        it.advance();
      }
    }
  }
}
