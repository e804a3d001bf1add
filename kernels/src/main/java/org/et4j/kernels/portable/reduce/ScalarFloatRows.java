package org.et4j.kernels.portable.reduce;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.portable.pointwise.FloatMath;

/**
 * The scalar reference for {@link FloatRows}: ExecuTorch's loops, element by element, in float
 * arithmetic.
 */
public final class ScalarFloatRows implements FloatRows {
  public static final ScalarFloatRows INSTANCE = new ScalarFloatRows();

  private ScalarFloatRows() {}

  @Override
  public float sum(MemorySegment s, long off, int n) {
    float acc = 0f;
    for (int j = 0; j < n; j++) {
      acc += s.getAtIndex(F32, off + j);
    }
    return acc;
  }

  @Override
  public float max(MemorySegment s, long off, int n) {
    float m = s.getAtIndex(F32, off);
    for (int j = 1; j < n; j++) {
      float v = s.getAtIndex(F32, off + j);
      m = Float.isNaN(v) || v > m ? v : m;
    }
    return m;
  }

  @Override
  public float min(MemorySegment s, long off, int n) {
    float m = s.getAtIndex(F32, off);
    for (int j = 1; j < n; j++) {
      float v = s.getAtIndex(F32, off + j);
      m = Float.isNaN(v) || v < m ? v : m;
    }
    return m;
  }

  @Override
  public int argExtreme(MemorySegment s, long off, int n, boolean max) {
    float acc = s.getAtIndex(F32, off);
    int best = 0;
    for (int j = 1; j < n && !Float.isNaN(acc); j++) {
      float v = s.getAtIndex(F32, off + j);
      if (Float.isNaN(v) || (max ? v > acc : v < acc)) {
        acc = v;
        best = j;
      }
    }
    return best;
  }

  /** std::max(v, acc) as ExecuTorch's softmax uses it: {@code (v < acc) ? acc : v}. */
  static float softmaxMax(MemorySegment s, long off, int n) {
    float m = s.getAtIndex(F32, off);
    for (int j = 1; j < n; j++) {
      float v = s.getAtIndex(F32, off + j);
      m = v < m ? m : v;
    }
    return m;
  }

  @Override
  public void softmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n) {
    float max = softmaxMax(in, inOff, n);
    float sum = 0f;
    for (int j = 0; j < n; j++) {
      sum += FloatMath.exp(in.getAtIndex(F32, inOff + j) - max);
    }
    for (int j = 0; j < n; j++) {
      out.setAtIndex(F32, outOff + j, FloatMath.exp(in.getAtIndex(F32, inOff + j) - max) / sum);
    }
  }

  @Override
  public void logSoftmax(MemorySegment in, long inOff, MemorySegment out, long outOff, int n) {
    float max = softmaxMax(in, inOff, n);
    float sum = 0f;
    for (int j = 0; j < n; j++) {
      sum += FloatMath.exp(in.getAtIndex(F32, inOff + j) - max);
    }
    float logSum = (float) Math.log(sum);
    for (int j = 0; j < n; j++) {
      out.setAtIndex(F32, outOff + j, in.getAtIndex(F32, inOff + j) - max - logSum);
    }
  }
}
