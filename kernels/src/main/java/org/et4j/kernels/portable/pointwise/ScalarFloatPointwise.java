package org.et4j.kernels.portable.pointwise;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@code VectorFloatPointwise}: the reference float32 loops, also used by the
 * vector class for loop tails. Float arithmetic is done in float32 as ExecuTorch's kernels do;
 * exp, tanh, sigmoid and GELU are {@link FloatMath}'s, which gives the same bits as the vector
 * lanes, so the two implementations agree bit for bit on every loop here.
 */
final class ScalarFloatPointwise implements FloatPointwise {
  static final float GELU_BETA = FloatMath.GELU_BETA;
  static final float GELU_KAPPA = FloatMath.GELU_KAPPA;
  static final double SQRT1_2 = 0.7071067811865476;

  @Override
  public void add(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n) {
    add(a, ai, b, bi, alpha, out, oi, 0, n);
  }

  /** Elements [from, to) of a run: {@code out[oi + i] = a[ai + i] + alpha * b[bi + i]}. */
  static void add(
      MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) + alpha * b.getAtIndex(F32, bi + i));
    }
  }

  @Override
  public void addScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    addScalar(a, ai, s, out, oi, 0, n);
  }

  static void addScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) + s);
    }
  }

  @Override
  public void sub(MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long n) {
    sub(a, ai, b, bi, alpha, out, oi, 0, n);
  }

  static void sub(
      MemorySegment a, long ai, MemorySegment b, long bi, float alpha, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) - alpha * b.getAtIndex(F32, bi + i));
    }
  }

  @Override
  public void mul(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n) {
    mul(a, ai, b, bi, out, oi, 0, n);
  }

  static void mul(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) * b.getAtIndex(F32, bi + i));
    }
  }

  @Override
  public void mulScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    mulScalar(a, ai, s, out, oi, 0, n);
  }

  static void mulScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) * s);
    }
  }

  @Override
  public void div(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long n) {
    div(a, ai, b, bi, out, oi, 0, n);
  }

  static void div(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) / b.getAtIndex(F32, bi + i));
    }
  }

  @Override
  public void divScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long n) {
    divScalar(a, ai, s, out, oi, 0, n);
  }

  static void divScalar(MemorySegment a, long ai, float s, MemorySegment out, long oi, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, oi + i, a.getAtIndex(F32, ai + i) / s);
    }
  }

  @Override
  public void relu(MemorySegment a, MemorySegment out, long n) {
    relu(a, out, 0, n);
  }

  static void relu(MemorySegment a, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      float x = a.getAtIndex(F32, i);
      out.setAtIndex(F32, i, x < 0f ? 0f : x);
    }
  }

  @Override
  public void sigmoid(MemorySegment a, MemorySegment out, long n) {
    sigmoid(a, out, 0, n);
  }

  static float sigmoid(float x) {
    return FloatMath.sigmoid(x);
  }

  static void sigmoid(MemorySegment a, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, i, sigmoid(a.getAtIndex(F32, i)));
    }
  }

  @Override
  public void tanh(MemorySegment a, MemorySegment out, long n) {
    tanh(a, out, 0, n);
  }

  static void tanh(MemorySegment a, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, i, FloatMath.tanh(a.getAtIndex(F32, i)));
    }
  }

  @Override
  public void exp(MemorySegment a, MemorySegment out, long n) {
    exp(a, out, 0, n);
  }

  static void exp(MemorySegment a, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, i, FloatMath.exp(a.getAtIndex(F32, i)));
    }
  }

  @Override
  public void gelu(MemorySegment a, MemorySegment out, long n, boolean tanhApproximation) {
    gelu(a, out, 0, n, tanhApproximation);
  }

  /** GELU of a float32 value ({@link FloatMath}, the bits of the vector loops too). */
  static double gelu(double x, boolean tanhApproximation) {
    float xf = (float) x;
    return tanhApproximation ? FloatMath.geluTanh(xf) : FloatMath.geluErf(xf);
  }

  static void gelu(MemorySegment a, MemorySegment out, long from, long to, boolean tanhApproximation) {
    for (long i = from; i < to; i++) {
      out.setAtIndex(F32, i, (float) gelu(a.getAtIndex(F32, i), tanhApproximation));
    }
  }

  @Override
  public void clamp(MemorySegment a, float lo, float hi, MemorySegment out, long n) {
    clamp(a, lo, hi, out, 0, n);
  }

  static void clamp(MemorySegment a, float lo, float hi, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      float x = a.getAtIndex(F32, i);
      float r = x < lo ? lo : x;
      r = hi < r ? hi : r;
      out.setAtIndex(F32, i, r);
    }
  }

  @Override
  public void where(MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out, long n) {
    where(cond, a, b, out, 0, n);
  }

  /** 1/6 as XNNPACK's hardswish kernels round it. */
  static final float SIXTH = 0x1.555556p-3f;

  @Override
  public void hardswish(MemorySegment a, MemorySegment out, long n) {
    hardswish(a, out, 0, n);
  }

  static void hardswish(MemorySegment a, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      float x = a.getAtIndex(F32, i);
      float r = Math.fma(x, SIXTH, 0.5f);
      r = r > 0f ? r : 0f; // x86 maxps: a NaN gives the second operand
      r = r < 1f ? r : 1f;
      out.setAtIndex(F32, i, r * x);
    }
  }

  static void where(
      MemorySegment cond, MemorySegment a, MemorySegment b, MemorySegment out, long from, long to) {
    for (long i = from; i < to; i++) {
      boolean c = cond.get(ValueLayout.JAVA_BYTE, i) != 0;
      out.setAtIndex(F32, i, c ? a.getAtIndex(F32, i) : b.getAtIndex(F32, i));
    }
  }
}
