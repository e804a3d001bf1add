package org.et4j.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link StaticQuantizedFilter} repacked for the vector IGEMM ({@link StaticQuantizedIgemm}),
 * with the convolution geometry it runs with ({@link StaticQuantizedLinear} is the 1x1 case over
 * a 1 x m "image"). Per group, the group's output channels are cut into panels of {@code nr}; a
 * panel stores its {@code k = kh * kw * cg} steps one after the other, each step {@code nr} int8
 * weights (zero past the group's last channel), XNNPACK's {@code nr}-wide, {@code kr = 1} packing.
 * Bias and scale are padded the same way so a panel's epilogue loads whole vectors.
 */
final class StaticQuantizedPanels {
  final int nr;
  final int groups;
  final int cg;
  final int ocg;
  final int kh;
  final int kw;
  final int sh;
  final int sw;
  final int dh;
  final int dw;
  final int padT;
  final int padL;
  final int k;
  final int panelsPerGroup;
  /** {@code w[((g * panelsPerGroup + panel) * k + step) * nr + j]}. */
  final byte[] w;
  /** {@code bias[(g * panelsPerGroup + panel) * nr + j]}, the packed bias of {@link StaticQuantizedFilter}. */
  final int[] bias;
  final float[] scale;
  final int inZp;
  /**
   * XNNPACK's zero buffer: {@code cg} bytes of the input zero point that a padding tap reads
   * instead of the input. Native, like the activations, so the kernel's loads stay monomorphic.
   */
  final MemorySegment zero;

  final int outZp;
  final int qmin;
  final int qmax;

  private StaticQuantizedPanels(
      StaticQuantizedFilter f, int nr, int groups, int cg, int ocg, int kh, int kw, int sh,
      int sw, int dh, int dw, int padT, int padL) {
    this.nr = nr;
    this.groups = groups;
    this.cg = cg;
    this.ocg = ocg;
    this.kh = kh;
    this.kw = kw;
    this.sh = sh;
    this.sw = sw;
    this.dh = dh;
    this.dw = dw;
    this.padT = padT;
    this.padL = padL;
    this.k = f.k;
    this.panelsPerGroup = (ocg + nr - 1) / nr;
    int panels = Math.multiplyExact(groups, panelsPerGroup);
    this.w = new byte[Math.multiplyExact(Math.multiplyExact(panels, k), nr)];
    this.bias = new int[panels * nr];
    this.scale = new float[panels * nr];
    for (int g = 0; g < groups; g++) {
      for (int panel = 0; panel < panelsPerGroup; panel++) {
        int q = g * panelsPerGroup + panel;
        for (int j = 0; j < nr; j++) {
          int o = panel * nr + j;
          if (o >= ocg) {
            break;
          }
          int channel = g * ocg + o;
          bias[q * nr + j] = f.bias[channel];
          scale[q * nr + j] = f.scale[channel];
          for (int step = 0; step < k; step++) {
            w[(q * k + step) * nr + j] = f.rows[channel * k + step];
          }
        }
      }
    }
    this.inZp = f.inZp;
    this.zero = Arena.ofAuto().allocate(cg);
    zero.fill((byte) f.inZp);
    this.outZp = f.outZp;
    this.qmin = f.qmin;
    this.qmax = f.qmax;
  }

  static StaticQuantizedPanels pack(
      StaticQuantizedFilter f, int nr, int groups, int cg, int ocg, int kh, int kw, int sh,
      int sw, int dh, int dw, int padT, int padL) {
    return new StaticQuantizedPanels(f, nr, groups, cg, ocg, kh, kw, sh, sw, dh, dw, padT, padL);
  }
}
