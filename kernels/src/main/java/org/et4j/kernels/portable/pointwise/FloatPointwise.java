package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.VectorSupport;

/**
 * The float32 fast paths of the pointwise ops, for contiguous same-shape (or scalar-broadcast)
 * operands: {@code n} elements from storage index 0 of each segment, or, for the binary
 * arithmetic used on broadcast rows, from the given element offsets. Two implementations with
 * bit-identical results: {@link ScalarFloatPointwise}, the reference, and
 * {@code VectorFloatPointwise} (Vector API), chosen once by {@link #instance()} through
 * {@link VectorSupport}. exp, tanh, sigmoid and GELU are {@link FloatMath}'s approximations
 * (within 1-2 float32 ulps; see there), computed with the same exactly rounded operations in both,
 * so no result depends on the JIT state, the vector width or where a thread split puts a tail.
 */
public interface FloatPointwise {
  /** {@code out[oi + i] = a[ai + i] + alpha * b[bi + i]} for i in [0, n). */
  void add(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] + s}. */
  void addScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] - alpha * b[bi + i]}. */
  void sub(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] * b[bi + i]}. */
  void mul(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] * s}. */
  void mulScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] / b[bi + i]}. */
  void div(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n);

  /** {@code out[oi + i] = a[ai + i] / s}. */
  void divScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n);

  /** {@code out = a + alpha * b} over whole segments. */
  default void add(MemorySegment a, MemorySegment b, float alpha, MemorySegment out, long n) {
    add(a, 0, b, 0, alpha, out, 0, n);
  }

  /** {@code out = a + s} over whole segments. */
  default void addScalar(MemorySegment a, float s, MemorySegment out, long n) {
    addScalar(a, 0, s, out, 0, n);
  }

  /** {@code out = a - alpha * b} over whole segments. */
  default void sub(MemorySegment a, MemorySegment b, float alpha, MemorySegment out, long n) {
    sub(a, 0, b, 0, alpha, out, 0, n);
  }

  /** {@code out = a * b} over whole segments. */
  default void mul(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
    mul(a, 0, b, 0, out, 0, n);
  }

  /** {@code out = a * s} over whole segments. */
  default void mulScalar(MemorySegment a, float s, MemorySegment out, long n) {
    mulScalar(a, 0, s, out, 0, n);
  }

  /** {@code out = a / b} over whole segments. */
  default void div(MemorySegment a, MemorySegment b, MemorySegment out, long n) {
    div(a, 0, b, 0, out, 0, n);
  }

  /** {@code out = a / s} over whole segments. */
  default void divScalar(MemorySegment a, float s, MemorySegment out, long n) {
    divScalar(a, 0, s, out, 0, n);
  }

  /** {@code out = a < 0 ? 0 : a} (NaN and -0.0 pass through). */
  void relu(MemorySegment a, MemorySegment out, long n);

  /** {@code out = 1 / (1 + exp(-a))}. */
  void sigmoid(MemorySegment a, MemorySegment out, long n);

  /** {@code out = tanh(a)}. */
  void tanh(MemorySegment a, MemorySegment out, long n);

  /** {@code out = exp(a)}. */
  void exp(MemorySegment a, MemorySegment out, long n);

  /** GELU, exact ({@code approximate="none"}) or with the tanh approximation. */
  void gelu(MemorySegment a, MemorySegment out, long n, boolean tanhApproximation);

  /** {@code out = min(max(a, lo), hi)} with NaN inputs passing through; lo and hi are not NaN. */
  void clamp(MemorySegment a, float lo, float hi, MemorySegment out, long n);

  /**
   * Hardswish as XNNPACK's {@code f32-vhswish} kernels compute it: {@code x * min(max(fma(x, 1/6,
   * 0.5), 0), 1)}, with 1/6 rounded to float ({@code 0x1.555556p-3}) and one fused multiply-add,
   * so that the XNNPACK delegate's Hardswish nodes give XNNPACK's bits.
   */
  void hardswish(MemorySegment a, MemorySegment out, long n);

  /** {@code out = cond ? a : b} with a bool (one byte per element) condition. */
  void where(MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out, long n);

  /** The implementation to use: vector when {@link VectorSupport#enabled()}, else scalar. */
  static FloatPointwise instance() {
    return Holder.INSTANCE;
  }

  /** Loads the vector class only when the Vector API is enabled (Lucene's pattern). */
  final class Holder {
    static final FloatPointwise INSTANCE = create();

    private Holder() {}

    private static FloatPointwise create() {
      if (!VectorSupport.enabled()) {
        return new ScalarFloatPointwise();
      }
      try {
        return (FloatPointwise)
            Class.forName("org.et4j.kernels.portable.pointwise.VectorFloatPointwise")
                .getDeclaredConstructor()
                .newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        System.err.println(
            "et4j: WARNING: vector pointwise kernels unavailable (" + e + "); using scalar ones");
        return new ScalarFloatPointwise();
      }
    }
  }
}
