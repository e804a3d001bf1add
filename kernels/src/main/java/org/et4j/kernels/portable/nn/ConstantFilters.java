package org.et4j.kernels.portable.nn;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * Reorders a constant float32 convolution weight {@code [OC, CG, KH, KW]} (either dim order; 1-D
 * weights {@code [OC, CG, KW]} have KH = 1) into the layouts the channels-last kernels take, once
 * at bind. The copies live on the heap and are packed again by the kernels' prepare, after which
 * they are garbage.
 */
final class ConstantFilters {
  private static final ValueLayout.OfFloat F32 = Elements.F32;

  private ConstantFilters() {}

  /**
   * {@code [OC, KH, KW, CG]}, XNNPACK's OHWI, for {@link org.et4j.kernels.nhwc.Conv2dNhwc}; output
   * channel {@code o} scaled by {@code scale[o]} (a folded batch norm; null for none).
   */
  static MemorySegment ohwi(TensorImpl weight, boolean oneD, float[] scale) {
    int oc = weight.size(0);
    int cg = weight.size(1);
    int kh = oneD ? 1 : weight.size(2);
    int kw = weight.size(weight.dim() - 1);
    float[] f = new float[oc * kh * kw * cg];
    MemorySegment w = weight.data();
    int at = 0;
    for (int o = 0; o < oc; o++) {
      float s = scale == null ? 1f : scale[o];
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          for (int ci = 0; ci < cg; ci++) {
            f[at++] = w.getAtIndex(F32, index(weight, oneD, o, ci, y, x)) * s;
          }
        }
      }
    }
    return MemorySegment.ofArray(f);
  }

  /**
   * {@code [KH, KW, OC]}, the depthwise filter of {@link org.et4j.kernels.nhwc.DepthwiseConv2dNhwc};
   * output channel {@code o} scaled by {@code scale[o]} (null for none).
   */
  static MemorySegment hwo(TensorImpl weight, boolean oneD, float[] scale) {
    int oc = weight.size(0);
    int kh = oneD ? 1 : weight.size(2);
    int kw = weight.size(weight.dim() - 1);
    float[] f = new float[kh * kw * oc];
    MemorySegment w = weight.data();
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int o = 0; o < oc; o++) {
          f[(y * kw + x) * oc + o] =
              w.getAtIndex(F32, index(weight, oneD, o, 0, y, x)) * (scale == null ? 1f : scale[o]);
        }
      }
    }
    return MemorySegment.ofArray(f);
  }

  private static long index(TensorImpl t, boolean oneD, int o, int c, int y, int x) {
    if (oneD) {
      return o * t.stride(0) + c * t.stride(1) + x * t.stride(2);
    }
    return o * t.stride(0) + c * t.stride(1) + y * t.stride(2) + x * t.stride(3);
  }
}
