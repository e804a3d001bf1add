package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API {@link StaticQuantizedIgemm}. XNNPACK multiplies int8 with VNNI ({@code
 * src/qs8-qc8w-igemm/gen/*-avx512vnni-prfm.c}); the Vector API has no int8 dot product and its
 * narrow integer multiplies are slow ({@code vector-api.md} rule 5), so the products are formed in
 * float, which is exact: an int8 product is at most {@code 2^14} in magnitude, so {@link #CHUNK} =
 * 1024 of them sum exactly in float32 ({@code <= 2^24}); each chunk's float sums are converted to
 * int32 and added, giving the scalar oracle's wrapping int32 sum. The epilogue is {@link
 * StaticQuantization#requantize} on whole vectors (int to float, times the scale, clamp, magic
 * bias), so every byte matches.
 *
 * <p>The tile is {@code MR = 4} output pixels by one panel of {@code NR = 2 * lanes} output
 * channels: per step one load of {@code NR} packed weights widened to two float vectors, shared by
 * the four pixels, and one broadcast per pixel. Each pixel reads its taps through its own input
 * address (an implicit im2col), or a zero buffer of the input zero point for a padding tap, as
 * XNNPACK's indirection buffer does. Leftover pixels run a one-pixel kernel that splits the steps
 * into even and odd ones for four independent FMA chains. No vector crosses a method boundary (rule
 * 1); lanes go out through a per-thread int array.
 *
 * <p>Loaded only by {@link StaticQuantizedIgemm#chosen} when {@code jdk.incubator.vector} is
 * present.
 */
final class VectorStaticQuantizedIgemm implements StaticQuantizedIgemm {
  /** From {@code et4j.vector}; a constant, so C2 compiles real vector code (rule 3). */
  static final VectorSpecies<Float> F =
      VectorSupport.forcedBits() == 0
              || FloatVector.SPECIES_MAX.vectorBitSize() < VectorSupport.forcedBits()
          ? FloatVector.SPECIES_PREFERRED
          : VectorSpecies.of(float.class, VectorShape.forBitSize(VectorSupport.forcedBits()));

  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final int L = F.length();
  static final int NR = 2 * L;
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(NR * Byte.SIZE));
  /** {@code L} bytes: one output vector narrowed for the store. */
  private static final VectorSpecies<Byte> BL =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * Byte.SIZE)));

  static final int MR = 4;
  static final int CHUNK = 1024;

  private static final float MAGIC_BIAS = 12582912.0f;
  private static final int MAGIC_BIAS_BITS = 0x4B400000;

  private static final java.nio.ByteOrder LE = java.nio.ByteOrder.LITTLE_ENDIAN;

  /** Where a partial panel parks its lanes before the valid ones are stored. */
  private static final ThreadLocal<int[]> TILE = ThreadLocal.withInitial(() -> new int[NR]);

  VectorStaticQuantizedIgemm() {}

  @Override
  public int nr() {
    return NR;
  }

  @Override
  public boolean depthwiseSupported() {
    return BL.length() == L;
  }

  @Override
  public int depthwiseStride(int channels) {
    return (channels + L - 1) / L * L;
  }

  /**
   * Depthwise convolution along the channels: per output pixel and block of {@code L} channels,
   * each tap loads {@code L} int8 inputs (or the zero buffer for padding), widens them to float and
   * fuses them with the tap's float weights. At most {@code KH * KW <= 1024} products of at most
   * {@code 2^14} per lane: the float sum is exact. Leftover channels take the scalar formula.
   */
  @Override
  public void depthwise(
      StaticQuantizedDepthwiseConv2d d, float[] weights, int[] bias, float[] scale, int stride,
      MemorySegment zero, int batch, int inH, int inW, int outH, int outW, MemorySegment x,
      long xOff, MemorySegment y, long yOff) {
    final int c = d.channels;
    final int blocks = c - c % L;
    final float lo = (float) (d.qmin - d.outZp);
    final float hi = (float) (d.qmax - d.outZp);
    final int unbias = MAGIC_BIAS_BITS - d.outZp;
    for (int b = 0; b < batch; b++) {
      long image = xOff + (long) b * inH * inW * c;
      for (int oy = 0; oy < outH; oy++) {
        int y0 = oy * d.sh - d.padT;
        for (int ox = 0; ox < outW; ox++) {
          int x0 = ox * d.sw - d.padL;
          long out = yOff + (((long) b * outH + oy) * outW + ox) * c;
          int c0 = 0;
          // Four blocks at a time share each tap's address and give four independent FMA chains.
          for (; c0 + 4 * L <= blocks; c0 += 4 * L) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            int t = 0;
            for (int ky = 0; ky < d.kh; ky++) {
              for (int kx = 0; kx < d.kw; kx++, t++) {
                long a = tap(image, y0 + ky * d.dh, x0 + kx * d.dw, inH, inW, c);
                MemorySegment m = a >= 0 ? x : zero;
                a = Math.max(a, 0) + c0;
                int wt = t * stride + c0;
                acc0 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt), acc0);
                acc1 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a + L, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt + L), acc1);
                acc2 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a + 2 * L, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt + 2 * L), acc2);
                acc3 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a + 3 * L, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt + 3 * L), acc3);
              }
            }
            for (int j = 0; j < 4; j++) {
              FloatVector acc =
                  switch (j) {
                    case 0 -> acc0;
                    case 1 -> acc1;
                    case 2 -> acc2;
                    default -> acc3;
                  };
              int cj = c0 + j * L;
              IntVector sum =
                  ((IntVector) acc.convert(VectorOperators.F2I, 0))
                      .add(IntVector.fromArray(I, bias, cj));
              FloatVector v =
                  ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                      .mul(FloatVector.fromArray(F, scale, cj))
                      .max(lo)
                      .min(hi)
                      .add(MAGIC_BIAS);
              ((IntVector) v.viewAsIntegralLanes())
                  .sub(unbias)
                  .convertShape(VectorOperators.I2B, BL, 0)
                  .intoMemorySegment(y, out + cj, LE);
            }
          }
          // Two blocks (32 channels at 512 bits, MobileNet's first depthwise layer) likewise.
          for (; c0 + 2 * L <= blocks; c0 += 2 * L) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int t = 0;
            for (int ky = 0; ky < d.kh; ky++) {
              for (int kx = 0; kx < d.kw; kx++, t++) {
                long a = tap(image, y0 + ky * d.dh, x0 + kx * d.dw, inH, inW, c);
                MemorySegment m = a >= 0 ? x : zero;
                a = Math.max(a, 0) + c0;
                int wt = t * stride + c0;
                acc0 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt), acc0);
                acc1 =
                    ((FloatVector)
                            ByteVector.fromMemorySegment(BL, m, a + L, LE)
                                .convertShape(VectorOperators.B2F, F, 0))
                        .fma(FloatVector.fromArray(F, weights, wt + L), acc1);
              }
            }
            for (int j = 0; j < 2; j++) {
              FloatVector acc = j == 0 ? acc0 : acc1;
              int cj = c0 + j * L;
              IntVector sum =
                  ((IntVector) acc.convert(VectorOperators.F2I, 0))
                      .add(IntVector.fromArray(I, bias, cj));
              FloatVector v =
                  ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                      .mul(FloatVector.fromArray(F, scale, cj))
                      .max(lo)
                      .min(hi)
                      .add(MAGIC_BIAS);
              ((IntVector) v.viewAsIntegralLanes())
                  .sub(unbias)
                  .convertShape(VectorOperators.I2B, BL, 0)
                  .intoMemorySegment(y, out + cj, LE);
            }
          }
          for (; c0 < blocks; c0 += L) {
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            int t = 0;
            for (int ky = 0; ky < d.kh; ky++) {
              for (int kx = 0; kx < d.kw; kx++, t++) {
                long a = tap(image, y0 + ky * d.dh, x0 + kx * d.dw, inH, inW, c);
                MemorySegment m = a >= 0 ? x : zero;
                a = Math.max(a, 0) + c0;
                FloatVector xv =
                    (FloatVector)
                        ByteVector.fromMemorySegment(BL, m, a, LE)
                            .convertShape(VectorOperators.B2F, F, 0);
                FloatVector wv = FloatVector.fromArray(F, weights, t * stride + c0);
                // Two chains alternate taps to hide the FMA latency.
                if ((t & 1) == 0) {
                  acc0 = xv.fma(wv, acc0);
                } else {
                  acc1 = xv.fma(wv, acc1);
                }
              }
            }
            IntVector sum =
                ((IntVector) acc0.convert(VectorOperators.F2I, 0))
                    .add((IntVector) acc1.convert(VectorOperators.F2I, 0))
                    .add(IntVector.fromArray(I, bias, c0));
            FloatVector v =
                ((FloatVector) sum.convert(VectorOperators.I2F, 0))
                    .mul(FloatVector.fromArray(F, scale, c0))
                    .max(lo)
                    .min(hi)
                    .add(MAGIC_BIAS);
            ((IntVector) v.viewAsIntegralLanes())
                .sub(unbias)
                .convertShape(VectorOperators.I2B, BL, 0)
                .intoMemorySegment(y, out + c0, LE);
          }
          for (int ch = blocks; ch < c; ch++) {
            int acc = bias[ch];
            int t = 0;
            for (int ky = 0; ky < d.kh; ky++) {
              for (int kx = 0; kx < d.kw; kx++, t++) {
                long a = tap(image, y0 + ky * d.dh, x0 + kx * d.dw, inH, inW, c);
                int xv = a >= 0 ? x.get(StaticQuantization.I8, a + ch) : d.inZp;
                acc += xv * (int) weights[t * stride + ch];
              }
            }
            y.set(
                StaticQuantization.I8,
                out + ch,
                (byte) StaticQuantization.requantize(acc, scale[ch], d.outZp, d.qmin, d.qmax));
          }
        }
      }
    }
  }

  @Override
  public long add(
      StaticQuantizedAdd op, MemorySegment a, long ai, long aStride, MemorySegment b, long bi,
      long bStride, MemorySegment y, long yi, long n) {
    if (BL.length() != L) {
      return 0;
    }
    long full = n - n % L;
    // A broadcast operand's product joins the bias, as XNNPACK's vaddc kernels do.
    int bias = op.bias;
    if (aStride == 0) {
      bias += a.get(StaticQuantization.I8, ai) * op.aMul;
    }
    if (bStride == 0) {
      bias += b.get(StaticQuantization.I8, bi) * op.bMul;
    }
    for (long i = 0; i < full; i += L) {
      IntVector acc = IntVector.broadcast(I, bias);
      if (aStride != 0) {
        acc =
            acc.add(
                ((IntVector)
                        ByteVector.fromMemorySegment(BL, a, ai + i, LE)
                            .convertShape(VectorOperators.B2I, I, 0))
                    .mul(op.aMul));
      }
      if (bStride != 0) {
        acc =
            acc.add(
                ((IntVector)
                        ByteVector.fromMemorySegment(BL, b, bi + i, LE)
                            .convertShape(VectorOperators.B2I, I, 0))
                    .mul(op.bMul));
      }
      acc.lanewise(VectorOperators.ASHR, op.shift)
          .add(op.outZp)
          .max(op.qmin)
          .min(op.qmax)
          .convertShape(VectorOperators.I2B, BL, 0)
          .intoMemorySegment(y, yi + i, LE);
    }
    return full;
  }

  @Override
  public long multiply(
      StaticQuantizedMultiply op, MemorySegment a, long ai, long aStride, MemorySegment b,
      long bi, long bStride, MemorySegment y, long yi, long n) {
    if (BL.length() != L) {
      return 0;
    }
    long full = n - n % L;
    float lo = (float) (op.qmin - op.outZp);
    float hi = (float) (op.qmax - op.outZp);
    int unbias = MAGIC_BIAS_BITS - op.outZp;
    IntVector aConst = IntVector.broadcast(I, a.get(StaticQuantization.I8, ai) - op.aZp);
    IntVector bConst = IntVector.broadcast(I, b.get(StaticQuantization.I8, bi) - op.bZp);
    for (long i = 0; i < full; i += L) {
      IntVector va =
          aStride == 0
              ? aConst
              : ((IntVector)
                      ByteVector.fromMemorySegment(BL, a, ai + i, LE)
                          .convertShape(VectorOperators.B2I, I, 0))
                  .sub(op.aZp);
      IntVector vb =
          bStride == 0
              ? bConst
              : ((IntVector)
                      ByteVector.fromMemorySegment(BL, b, bi + i, LE)
                          .convertShape(VectorOperators.B2I, I, 0))
                  .sub(op.bZp);
      FloatVector v =
          ((FloatVector) va.mul(vb).convert(VectorOperators.I2F, 0))
              .mul(op.scale)
              .max(lo)
              .min(hi)
              .add(MAGIC_BIAS);
      ((IntVector) v.viewAsIntegralLanes())
          .sub(unbias)
          .convertShape(VectorOperators.I2B, BL, 0)
          .intoMemorySegment(y, yi + i, LE);
    }
    return full;
  }

  @Override
  public void run(
      StaticQuantizedPanels p, int batch, int inH, int inW, int outH, int outW, MemorySegment x,
      long xOff, MemorySegment y, long yOff) {
    if (p.nr != NR) {
      throw new IllegalStateException("panels packed for nr " + p.nr + ", kernel wants " + NR);
    }
    int pixels = Math.multiplyExact(Math.multiplyExact(batch, outH), outW);
    int[] tile = TILE.get();
    // Panel outer, pixels inner: a panel (k * NR bytes) stays in cache for every pixel tile.
    for (int g = 0; g < p.groups; g++) {
      for (int panel = 0; panel < p.panelsPerGroup; panel++) {
        int full = pixels - pixels % MR;
        for (int q0 = 0; q0 < full; q0 += MR) {
          tile(p, g, panel, q0, MR, inH, inW, outH, outW, x, xOff, y, yOff, tile);
        }
        // Leftover pixels (all of them for a one-row fully-connected) one at a time, rather than
        // a four-pixel tile that computes repeated rows.
        for (int q = full; q < pixels; q++) {
          pixel(p, g, panel, q, inH, inW, outH, outW, x, xOff, y, yOff, tile);
        }
      }
    }
  }

  /** The input address of a tap, or -1 for padding. */
  private static long tap(long image, int iy, int ix, int inH, int inW, int ic) {
    if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
      return -1;
    }
    return image + ((long) iy * inW + ix) * ic;
  }

  /**
   * One output pixel by one panel: the same sums as {@link #tile} with the steps split into even
   * and odd ones, so that four independent FMA chains hide the FMA latency.
   */
  private static void pixel(
      StaticQuantizedPanels p, int g, int panel, int q, int inH, int inW, int outH, int outW,
      MemorySegment x, long xOff, MemorySegment y, long yOff, int[] tile) {
    final int cg = p.cg;
    final int ic = p.groups * cg;
    final int plane = outH * outW;
    long img = xOff + (q / plane) * ((long) inH * inW * ic) + (long) g * cg;
    int y0 = (q % plane) / outW * p.sh - p.padT;
    int x0 = (q % plane) % outW * p.sw - p.padL;
    final MemorySegment zero = p.zero;
    final byte[] wv = p.w;
    final int wPanel = (g * p.panelsPerGroup + panel) * p.k * NR;
    IntVector s0 = IntVector.zero(I), s1 = IntVector.zero(I);
    FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
    FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
    int count = 0;
    for (int ky = 0; ky < p.kh; ky++) {
      for (int kx = 0; kx < p.kw; kx++) {
        long a = tap(img, y0 + ky * p.dh, x0 + kx * p.dw, inH, inW, ic);
        MemorySegment m = a >= 0 ? x : zero;
        a = Math.max(a, 0);
        int wTap = wPanel + (ky * p.kw + kx) * cg * NR;
        for (int c = 0; c < cg; ) {
          int end = c + Math.min(cg - c, CHUNK - count);
          int cc = c;
          for (; cc + 1 < end; cc += 2) {
            ByteVector wb = ByteVector.fromArray(B, wv, wTap + cc * NR);
            FloatVector b = FloatVector.broadcast(F, (float) m.get(StaticQuantization.I8, a + cc));
            e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
            e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
            ByteVector wc = ByteVector.fromArray(B, wv, wTap + (cc + 1) * NR);
            FloatVector d =
                FloatVector.broadcast(F, (float) m.get(StaticQuantization.I8, a + cc + 1));
            d0 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 0)).fma(d, d0);
            d1 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 1)).fma(d, d1);
          }
          if (cc < end) {
            ByteVector wb = ByteVector.fromArray(B, wv, wTap + cc * NR);
            FloatVector b = FloatVector.broadcast(F, (float) m.get(StaticQuantization.I8, a + cc));
            e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
            e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
          }
          count += end - c;
          c = end;
          if (count == CHUNK) {
            // At most CHUNK products in each float sum: exact; move them to int.
            s0 = s0.add((IntVector) e0.convert(VectorOperators.F2I, 0))
                .add((IntVector) d0.convert(VectorOperators.F2I, 0));
            s1 = s1.add((IntVector) e1.convert(VectorOperators.F2I, 0))
                .add((IntVector) d1.convert(VectorOperators.F2I, 0));
            e0 = FloatVector.zero(F);
            e1 = FloatVector.zero(F);
            d0 = FloatVector.zero(F);
            d1 = FloatVector.zero(F);
            count = 0;
          }
        }
      }
    }
    s0 = s0.add((IntVector) e0.convert(VectorOperators.F2I, 0))
        .add((IntVector) d0.convert(VectorOperators.F2I, 0));
    s1 = s1.add((IntVector) e1.convert(VectorOperators.F2I, 0))
        .add((IntVector) d1.convert(VectorOperators.F2I, 0));

    int bq = (g * p.panelsPerGroup + panel) * NR;
    float lo = (float) (p.qmin - p.outZp);
    float hi = (float) (p.qmax - p.outZp);
    int unbias = MAGIC_BIAS_BITS - p.outZp;
    FloatVector v0 =
        ((FloatVector) s0.add(IntVector.fromArray(I, p.bias, bq)).convert(VectorOperators.I2F, 0))
            .mul(FloatVector.fromArray(F, p.scale, bq))
            .max(lo)
            .min(hi)
            .add(MAGIC_BIAS);
    FloatVector v1 =
        ((FloatVector)
                s1.add(IntVector.fromArray(I, p.bias, bq + L)).convert(VectorOperators.I2F, 0))
            .mul(FloatVector.fromArray(F, p.scale, bq + L))
            .max(lo)
            .min(hi)
            .add(MAGIC_BIAS);
    IntVector o0 = ((IntVector) v0.viewAsIntegralLanes()).sub(unbias);
    IntVector o1 = ((IntVector) v1.viewAsIntegralLanes()).sub(unbias);
    int valid = Math.min(NR, p.ocg - panel * NR);
    long at = yOff + (long) q * (p.groups * p.ocg) + (long) g * p.ocg + (long) panel * NR;
    if (valid == NR && BL.length() == L) {
      o0.convertShape(VectorOperators.I2B, BL, 0).intoMemorySegment(y, at, LE);
      o1.convertShape(VectorOperators.I2B, BL, 0).intoMemorySegment(y, at + L, LE);
    } else {
      o0.intoArray(tile, 0);
      o1.intoArray(tile, L);
      for (int j = 0; j < valid; j++) {
        y.set(StaticQuantization.I8, at + j, (byte) tile[j]);
      }
    }
  }

  private static void tile(
      StaticQuantizedPanels p, int g, int panel, int q0, int rows, int inH, int inW, int outH,
      int outW, MemorySegment x, long xOff, MemorySegment y, long yOff, int[] tile) {
    final int cg = p.cg;
    final int ic = p.groups * cg;
    final int plane = outH * outW;
    final long imageSize = (long) inH * inW * ic;
    // The four pixels' batch image, top-left input row and column.
    int qa = q0;
    int qb = q0 + Math.min(1, rows - 1);
    int qc = q0 + Math.min(2, rows - 1);
    int qd = q0 + Math.min(3, rows - 1);
    long imgA = xOff + (qa / plane) * imageSize + (long) g * cg;
    long imgB = xOff + (qb / plane) * imageSize + (long) g * cg;
    long imgC = xOff + (qc / plane) * imageSize + (long) g * cg;
    long imgD = xOff + (qd / plane) * imageSize + (long) g * cg;
    int yA = (qa % plane) / outW * p.sh - p.padT;
    int yB = (qb % plane) / outW * p.sh - p.padT;
    int yC = (qc % plane) / outW * p.sh - p.padT;
    int yD = (qd % plane) / outW * p.sh - p.padT;
    int xA = (qa % plane) % outW * p.sw - p.padL;
    int xB = (qb % plane) % outW * p.sw - p.padL;
    int xC = (qc % plane) % outW * p.sw - p.padL;
    int xD = (qd % plane) % outW * p.sw - p.padL;
    final MemorySegment zero = p.zero;
    final byte[] wv = p.w;
    final int wPanel = (g * p.panelsPerGroup + panel) * p.k * NR;

    IntVector s00 = IntVector.zero(I), s01 = IntVector.zero(I);
    IntVector s10 = IntVector.zero(I), s11 = IntVector.zero(I);
    IntVector s20 = IntVector.zero(I), s21 = IntVector.zero(I);
    IntVector s30 = IntVector.zero(I), s31 = IntVector.zero(I);
    FloatVector f00 = FloatVector.zero(F), f01 = FloatVector.zero(F);
    FloatVector f10 = FloatVector.zero(F), f11 = FloatVector.zero(F);
    FloatVector f20 = FloatVector.zero(F), f21 = FloatVector.zero(F);
    FloatVector f30 = FloatVector.zero(F), f31 = FloatVector.zero(F);
    int count = 0;
    for (int ky = 0; ky < p.kh; ky++) {
      int dy = ky * p.dh;
      for (int kx = 0; kx < p.kw; kx++) {
        int dx = kx * p.dw;
        // A padding tap reads the zero buffer from the same channel offset: one loop for both.
        long a0 = tap(imgA, yA + dy, xA + dx, inH, inW, ic);
        long a1 = tap(imgB, yB + dy, xB + dx, inH, inW, ic);
        long a2 = tap(imgC, yC + dy, xC + dx, inH, inW, ic);
        long a3 = tap(imgD, yD + dy, xD + dx, inH, inW, ic);
        MemorySegment m0 = a0 >= 0 ? x : zero;
        MemorySegment m1 = a1 >= 0 ? x : zero;
        MemorySegment m2 = a2 >= 0 ? x : zero;
        MemorySegment m3 = a3 >= 0 ? x : zero;
        a0 = Math.max(a0, 0);
        a1 = Math.max(a1, 0);
        a2 = Math.max(a2, 0);
        a3 = Math.max(a3, 0);
        int wTap = wPanel + (ky * p.kw + kx) * cg * NR;
        for (int c = 0; c < cg; ) {
          int end = c + Math.min(cg - c, CHUNK - count);
          for (int cc = c; cc < end; cc++) {
            ByteVector wb = ByteVector.fromArray(B, wv, wTap + cc * NR);
            FloatVector w0 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 0);
            FloatVector w1 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 1);
            FloatVector b0 = FloatVector.broadcast(F, (float) m0.get(StaticQuantization.I8, a0 + cc));
            f00 = w0.fma(b0, f00);
            f01 = w1.fma(b0, f01);
            FloatVector b1 = FloatVector.broadcast(F, (float) m1.get(StaticQuantization.I8, a1 + cc));
            f10 = w0.fma(b1, f10);
            f11 = w1.fma(b1, f11);
            FloatVector b2 = FloatVector.broadcast(F, (float) m2.get(StaticQuantization.I8, a2 + cc));
            f20 = w0.fma(b2, f20);
            f21 = w1.fma(b2, f21);
            FloatVector b3 = FloatVector.broadcast(F, (float) m3.get(StaticQuantization.I8, a3 + cc));
            f30 = w0.fma(b3, f30);
            f31 = w1.fma(b3, f31);
          }
          count += end - c;
          c = end;
          if (count == CHUNK) {
            // 1024 products of at most 2^14 reach 2^24 at most: still exact, now move to int.
            s00 = s00.add((IntVector) f00.convert(VectorOperators.F2I, 0));
            s01 = s01.add((IntVector) f01.convert(VectorOperators.F2I, 0));
            s10 = s10.add((IntVector) f10.convert(VectorOperators.F2I, 0));
            s11 = s11.add((IntVector) f11.convert(VectorOperators.F2I, 0));
            s20 = s20.add((IntVector) f20.convert(VectorOperators.F2I, 0));
            s21 = s21.add((IntVector) f21.convert(VectorOperators.F2I, 0));
            s30 = s30.add((IntVector) f30.convert(VectorOperators.F2I, 0));
            s31 = s31.add((IntVector) f31.convert(VectorOperators.F2I, 0));
            f00 = FloatVector.zero(F);
            f01 = FloatVector.zero(F);
            f10 = FloatVector.zero(F);
            f11 = FloatVector.zero(F);
            f20 = FloatVector.zero(F);
            f21 = FloatVector.zero(F);
            f30 = FloatVector.zero(F);
            f31 = FloatVector.zero(F);
            count = 0;
          }
        }
      }
    }
    s00 = s00.add((IntVector) f00.convert(VectorOperators.F2I, 0));
    s01 = s01.add((IntVector) f01.convert(VectorOperators.F2I, 0));
    s10 = s10.add((IntVector) f10.convert(VectorOperators.F2I, 0));
    s11 = s11.add((IntVector) f11.convert(VectorOperators.F2I, 0));
    s20 = s20.add((IntVector) f20.convert(VectorOperators.F2I, 0));
    s21 = s21.add((IntVector) f21.convert(VectorOperators.F2I, 0));
    s30 = s30.add((IntVector) f30.convert(VectorOperators.F2I, 0));
    s31 = s31.add((IntVector) f31.convert(VectorOperators.F2I, 0));

    int bq = (g * p.panelsPerGroup + panel) * NR;
    IntVector bias0 = IntVector.fromArray(I, p.bias, bq);
    IntVector bias1 = IntVector.fromArray(I, p.bias, bq + L);
    FloatVector scale0 = FloatVector.fromArray(F, p.scale, bq);
    FloatVector scale1 = FloatVector.fromArray(F, p.scale, bq + L);
    float lo = (float) (p.qmin - p.outZp);
    float hi = (float) (p.qmax - p.outZp);
    int unbias = MAGIC_BIAS_BITS - p.outZp;
    int oc = p.groups * p.ocg;
    int valid = Math.min(NR, p.ocg - panel * NR);
    // A full panel narrows its lanes to bytes and stores them as vectors; a partial one (or a
    // lane count below 8, where no 64-bit byte vector fits) parks them in the tile first.
    boolean direct = valid == NR && BL.length() == L;
    for (int r = 0; r < rows; r++) {
      // A switch, not an array of vectors, keeps the accumulators in registers.
      IntVector t0;
      IntVector t1;
      switch (r) {
        case 0 -> {
          t0 = s00;
          t1 = s01;
        }
        case 1 -> {
          t0 = s10;
          t1 = s11;
        }
        case 2 -> {
          t0 = s20;
          t1 = s21;
        }
        default -> {
          t0 = s30;
          t1 = s31;
        }
      }
      FloatVector v0 =
          ((FloatVector) t0.add(bias0).convert(VectorOperators.I2F, 0))
              .mul(scale0)
              .max(lo)
              .min(hi)
              .add(MAGIC_BIAS);
      FloatVector v1 =
          ((FloatVector) t1.add(bias1).convert(VectorOperators.I2F, 0))
              .mul(scale1)
              .max(lo)
              .min(hi)
              .add(MAGIC_BIAS);
      IntVector o0 = ((IntVector) v0.viewAsIntegralLanes()).sub(unbias);
      IntVector o1 = ((IntVector) v1.viewAsIntegralLanes()).sub(unbias);
      long at = yOff + (long) (q0 + r) * oc + (long) g * p.ocg + (long) panel * NR;
      if (direct) {
        // Every lane is already in [qmin, qmax], so the narrowing I2B is exact.
        o0.convertShape(VectorOperators.I2B, BL, 0).intoMemorySegment(y, at, LE);
        o1.convertShape(VectorOperators.I2B, BL, 0).intoMemorySegment(y, at + L, LE);
      } else {
        o0.intoArray(tile, 0);
        o1.intoArray(tile, L);
        for (int j = 0; j < valid; j++) {
          y.set(StaticQuantization.I8, at + j, (byte) tile[j]);
        }
      }
    }
  }
}
