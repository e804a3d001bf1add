package org.et4j.kernels.portable.norm;

import static org.et4j.kernels.util.Elements.F32;

import java.lang.foreign.MemorySegment;

/** The scalar reference for {@link LayerNormRows}: ExecuTorch's loop in float arithmetic. */
public final class ScalarLayerNormRows implements LayerNormRows {
  public static final ScalarLayerNormRows INSTANCE = new ScalarLayerNormRows();

  private ScalarLayerNormRows() {}

  @Override
  public void row(
      MemorySegment in,
      long inOff,
      MemorySegment weight,
      MemorySegment bias,
      MemorySegment out,
      long outOff,
      int n,
      float eps,
      float[] stats) {
    float sum = 0f;
    float sqSum = 0f;
    for (int j = 0; j < n; j++) {
      float x = in.getAtIndex(F32, inOff + j);
      sum += x;
      sqSum += x * x;
    }
    float mean = sum / n;
    float variance = sqSum / n - mean * mean;
    float std = (float) Math.sqrt(variance + eps);
    for (int j = 0; j < n; j++) {
      float w = weight == null ? 1f : weight.getAtIndex(F32, j);
      float b = bias == null ? 0f : bias.getAtIndex(F32, j);
      out.setAtIndex(F32, outOff + j, (in.getAtIndex(F32, inOff + j) - mean) / std * w + b);
    }
    stats[0] = mean;
    stats[1] = std;
  }
}
