package org.et4j.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.Parallel;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API {@link QuantizedGemm}. XNNPACK's x86 kernels multiply int8 with VNNI or {@code
 * pmaddwd}; the Vector API has neither, and its int16/int32 multiplies are slow below 256 bits
 * ({@code vector-api.md} rule 5). So the products are formed in float, which is exact here: a
 * product of int8 values is at most {@code 2^14} in magnitude, so 1024 of them sum exactly in
 * float32 ({@code <= 2^24}); every {@link #CHUNK} steps along K (every block for {@code qb4w})
 * the float sums are converted to int and the epilogue then runs in XNNPACK's float order, so the
 * result has the scalar twin's bits.
 *
 * <p>The tile is {@code MR = 4} rows by two vectors of output channels ({@code NR = 2 * lanes}),
 * XNNPACK's broadcast scheme: per K step one load of {@code NR} packed int8 weights converted to
 * two float vectors, shared by the four rows, and one broadcast of each row's value (kept as a
 * float in {@link QuantizedRows}). Leftover rows run a one-row kernel that splits K into even and
 * odd steps, so that four independent FMA chains hide the FMA latency. No vector crosses a method
 * boundary (rule 1); partial panels are computed whole on zero padding and stored through a
 * per-thread array.
 *
 * <p>Loaded only by {@link QuantizedGemmSelection} when {@code jdk.incubator.vector} is present.
 */
final class VectorQuantizedGemm implements QuantizedGemm {
  /** Chosen once from {@code et4j.vector}; a constant, so C2 compiles real vector code. */
  static final VectorSpecies<Float> F =
      VectorSupport.forcedBits() == 0
          ? FloatVector.SPECIES_PREFERRED
          : FloatVector.SPECIES_MAX.vectorBitSize() < VectorSupport.forcedBits()
              ? FloatVector.SPECIES_PREFERRED
              : VectorSpecies.of(float.class, VectorShape.forBitSize(VectorSupport.forcedBits()));

  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final int L = F.length();
  static final int NR = 2 * L;
  /** One K step of a panel: {@code NR} bytes, widened into two float vectors. */
  private static final VectorSpecies<Byte> B =
      VectorSpecies.of(byte.class, VectorShape.forBitSize(NR * Byte.SIZE));

  /** int16 lanes of the full width: {@code NR} of them, one K step of a panel. */
  private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());

  /**
   * One-row products with int4 weights use int16 lanes: {@code |q * w| <= 128 * 8}, so {@link
   * #INT16_STEPS} of them sum exactly in int16 before one widening to int32. Measured for one row
   * at n = k = 1024 (a throwaway loop, CPU time on the loaded Zen 5): 2.5x the float-lane loop at
   * 512 bits (108-133 vs 41-51 GOPS) and at 256 bits (83-85 vs 32-33). Below 256 bits integer
   * vectors are slow on x86 (vector-api.md rule 5), so 128-bit keeps the float lanes. int8
   * weights stay on float lanes: their products need int32 at every step, which won only at 512
   * bits (57-76 GOPS) and lost at 256 (27-28).
   */
  private static final boolean INT16_FOR_INT4 = F.vectorBitSize() >= 256;

  static final int INT16_STEPS = 16;

  static final int MR = 4;
  /** K steps summed in float before converting to int: exact for int8 x int8 products. */
  static final int CHUNK = 1024;

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  /** Per-thread scratch, fetched once per call. */
  private static final class Workspace {
    /** Where a partial panel parks its two vectors before the valid columns are copied out. */
    final float[] tile = new float[NR];
    /** One row's integer sums for one panel, between {@link #chunk1} calls. */
    final int[] sums = new int[NR];
    /** This thread's reusable call arguments, so that a parallel call allocates nothing. */
    final MultiplyJob job = new MultiplyJob();
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  VectorQuantizedGemm() {}

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit, " + MR + "x" + NR + ")";
  }

  @Override
  public int panelWidth() {
    return NR;
  }

  @Override
  public void multiply(
      QuantizedRows a, QuantizedWeights w, MemorySegment c, long cOffset, long ldc, float min,
      float max) {
    QuantizedGemm.check(a, w, min, max);
    int m = a.rows();
    if (w.nr != NR) {
      // Packed for another implementation (a test, or a width forced after packing).
      ScalarQuantizedGemm.rows(0, m, a, w, c, cOffset, ldc, min, max);
      return;
    }
    Workspace ws = WORKSPACE.get();
    MultiplyJob job = ws.job.inUse ? new MultiplyJob() : ws.job;
    job.inUse = true;
    try {
      job.a = a;
      job.w = w;
      job.c = c;
      job.cOffset = cOffset;
      job.ldc = ldc;
      job.min = min;
      job.max = max;
      int rowTiles = (m + MR - 1) / MR;
      // Panels first: they split a one-token product too. Row tiles when the panels are too few.
      job.byRows = w.panels < 2 * Parallel.threads() && rowTiles > w.panels;
      long k = Math.max(1, w.k);
      if (job.byRows) {
        Parallel.forRange(rowTiles, Parallel.grain((long) MR * NR * w.panels * k, c, null), job);
      } else {
        Parallel.forRange(w.panels, Parallel.grain((long) m * NR * k, c, null), job);
      }
    } finally {
      job.a = null;
      job.w = null;
      job.c = null;
      job.inUse = false;
    }
  }

  /**
   * One call's arguments, shared by the threads of its region. Every output's integer sums are
   * exact and its epilogue is per element, so any split gives the same bits; row splits keep
   * MR-row tiles whole so that each row runs the kernel it runs on one thread.
   */
  private static final class MultiplyJob implements Parallel.RangeTask {
    boolean inUse;
    boolean byRows;
    QuantizedRows a;
    QuantizedWeights w;
    MemorySegment c;
    long cOffset;
    long ldc;
    float min;
    float max;

    @Override
    public void run(int from, int to) {
      if (byRows) {
        compute(this, 0, w.panels, from * MR, Math.min(a.rows(), to * MR));
      } else {
        compute(this, from, to, 0, a.rows());
      }
    }
  }

  /** Panels {@code [panelFrom, panelTo)} times rows {@code [rowFrom, rowTo)} of one call. */
  private static void compute(
      MultiplyJob job, int panelFrom, int panelTo, int rowFrom, int rowTo) {
    QuantizedRows a = job.a;
    QuantizedWeights w = job.w;
    MemorySegment c = job.c;
    long cOffset = job.cOffset;
    long ldc = job.ldc;
    float min = job.min;
    float max = job.max;
    Workspace ws = WORKSPACE.get();
    float[] tile = ws.tile;
    int fullRows = rowTo - (rowTo - rowFrom) % MR;
    boolean blockwise = w.type == QuantizedWeights.Type.QB4W;
    // Panel outer, rows inner: a panel (K * NR bytes) stays in L1/L2 while every row tile uses it.
    for (int panel = panelFrom; panel < panelTo; panel++) {
      for (int i = rowFrom; i < fullRows; i += MR) {
        if (blockwise) {
          blockwise4(a, w, i, panel, c, cOffset, ldc, min, max, tile);
        } else {
          perChannel4(a, w, i, panel, c, cOffset, ldc, min, max, tile);
        }
      }
      for (int i = fullRows; i < rowTo; i++) {
        if (blockwise && INT16_FOR_INT4) {
          blockwise1Int16(a, w, i, panel, c, cOffset, ldc, min, max, tile);
        } else if (blockwise) {
          blockwise1(a, w, i, panel, c, cOffset, ldc, min, max, tile);
        } else if (w.type == QuantizedWeights.Type.QC4W && INT16_FOR_INT4) {
          perChannel1Int16(a, w, i, panel, c, cOffset, ldc, min, max, tile);
        } else {
          perChannel1(a, w, i, panel, c, cOffset, ldc, min, max, tile, ws.sums);
        }
      }
    }
  }

  /** Stores one row's two output vectors, or only its valid columns for the last panel. */
  private static void store(
      float[] tile, int validColumns, MemorySegment c, long at) {
    for (int j = 0; j < validColumns; j++) {
      c.setAtIndex(FLOAT, at + j, tile[j]);
    }
  }

  private static void perChannel4(
      QuantizedRows a,
      QuantizedWeights w,
      int i0,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile) {
    int k = w.k;
    float[] x = a.valuesAsFloat;
    byte[] wv = w.values;
    int x0 = i0 * k;
    int x1 = x0 + k;
    int x2 = x1 + k;
    int x3 = x2 + k;
    int wBase = panel * k * NR;
    IntVector s00 = IntVector.zero(I), s01 = IntVector.zero(I);
    IntVector s10 = IntVector.zero(I), s11 = IntVector.zero(I);
    IntVector s20 = IntVector.zero(I), s21 = IntVector.zero(I);
    IntVector s30 = IntVector.zero(I), s31 = IntVector.zero(I);
    for (int p0 = 0; p0 < k; p0 += CHUNK) {
      int pEnd = Math.min(k, p0 + CHUNK);
      FloatVector f00 = FloatVector.zero(F), f01 = FloatVector.zero(F);
      FloatVector f10 = FloatVector.zero(F), f11 = FloatVector.zero(F);
      FloatVector f20 = FloatVector.zero(F), f21 = FloatVector.zero(F);
      FloatVector f30 = FloatVector.zero(F), f31 = FloatVector.zero(F);
      for (int p = p0; p < pEnd; p++) {
        ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
        FloatVector w0 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 0);
        FloatVector w1 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 1);
        FloatVector b0 = FloatVector.broadcast(F, x[x0 + p]);
        f00 = w0.fma(b0, f00);
        f01 = w1.fma(b0, f01);
        FloatVector b1 = FloatVector.broadcast(F, x[x1 + p]);
        f10 = w0.fma(b1, f10);
        f11 = w1.fma(b1, f11);
        FloatVector b2 = FloatVector.broadcast(F, x[x2 + p]);
        f20 = w0.fma(b2, f20);
        f21 = w1.fma(b2, f21);
        FloatVector b3 = FloatVector.broadcast(F, x[x3 + p]);
        f30 = w0.fma(b3, f30);
        f31 = w1.fma(b3, f31);
      }
      s00 = s00.add((IntVector) f00.convert(VectorOperators.F2I, 0));
      s01 = s01.add((IntVector) f01.convert(VectorOperators.F2I, 0));
      s10 = s10.add((IntVector) f10.convert(VectorOperators.F2I, 0));
      s11 = s11.add((IntVector) f11.convert(VectorOperators.F2I, 0));
      s20 = s20.add((IntVector) f20.convert(VectorOperators.F2I, 0));
      s21 = s21.add((IntVector) f21.convert(VectorOperators.F2I, 0));
      s30 = s30.add((IntVector) f30.convert(VectorOperators.F2I, 0));
      s31 = s31.add((IntVector) f31.convert(VectorOperators.F2I, 0));
    }
    int j0 = panel * NR;
    int valid = Math.min(NR, w.n - j0);
    IntVector cs0 = IntVector.fromArray(I, w.columnSums, j0);
    IntVector cs1 = IntVector.fromArray(I, w.columnSums, j0 + L);
    FloatVector ws0 = FloatVector.fromArray(F, w.channelScales, j0);
    FloatVector ws1 = FloatVector.fromArray(F, w.channelScales, j0 + L);
    FloatVector bias0 = FloatVector.fromArray(F, w.bias, j0);
    FloatVector bias1 = FloatVector.fromArray(F, w.bias, j0 + L);
    for (int r = 0; r < MR; r++) {
      // Unrolled by hand through a switch so the accumulators stay plain locals (no arrays of
      // vectors, which C2 would box).
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
      int i = i0 + r;
      int zp = a.zeroPoints[i];
      float inScale = a.scales[i];
      FloatVector o0 =
          ((FloatVector) t0.sub(cs0.mul(zp)).convert(VectorOperators.I2F, 0))
              .mul(inScale)
              .fma(ws0, bias0)
              .max(min)
              .min(max);
      FloatVector o1 =
          ((FloatVector) t1.sub(cs1.mul(zp)).convert(VectorOperators.I2F, 0))
              .mul(inScale)
              .fma(ws1, bias1)
              .max(min)
              .min(max);
      long at = cOffset + i * ldc + j0;
      if (valid == NR) {
        o0.intoMemorySegment(c, at * Float.BYTES, LE);
        o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
      } else {
        o0.intoArray(tile, 0);
        o1.intoArray(tile, L);
        store(tile, valid, c, at);
      }
    }
  }

  /**
   * One row of int8 weights. Split in two small methods that share the integer sums through
   * {@code sums} (never a vector argument): as one 770-byte method, C2 sometimes compiled it with
   * some vector operations left as boxing library calls (30 KB allocated per call at n = k =
   * 1024, seen in JFR allocation samples), depending on the profile at compile time.
   */
  private static void perChannel1(
      QuantizedRows a,
      QuantizedWeights w,
      int i,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile,
      int[] sums) {
    int k = w.k;
    sums1Zero(sums);
    for (int p0 = 0; p0 < k; p0 += CHUNK) {
      chunk1(a.valuesAsFloat, i * k, w.values, panel * k * NR, p0, Math.min(k, p0 + CHUNK), sums);
    }
    perChannelEpilogue1(a, w, i, panel, c, cOffset, ldc, min, max, tile, sums);
  }

  private static void sums1Zero(int[] sums) {
    for (int j = 0; j < NR; j++) {
      sums[j] = 0;
    }
  }

  /** Adds {@code sum_{p in [p0, pEnd)} x(p) * w(p, j)} of one panel to {@code sums}. */
  private static void chunk1(
      float[] x, int x0, byte[] wv, int wBase, int p0, int pEnd, int[] sums) {
    FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
    FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
    int p = p0;
    for (; p + 1 < pEnd; p += 2) {
      ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
      FloatVector b = FloatVector.broadcast(F, x[x0 + p]);
      e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
      e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
      ByteVector wc = ByteVector.fromArray(B, wv, wBase + (p + 1) * NR);
      FloatVector d = FloatVector.broadcast(F, x[x0 + p + 1]);
      d0 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 0)).fma(d, d0);
      d1 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 1)).fma(d, d1);
    }
    if (p < pEnd) {
      ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
      FloatVector b = FloatVector.broadcast(F, x[x0 + p]);
      e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
      e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
    }
    // Each half is at most 2^23 in magnitude, so their sum is still exact.
    FloatVector sum0 = e0.add(d0);
    FloatVector sum1 = e1.add(d1);
    IntVector s0 = (IntVector) sum0.convert(VectorOperators.F2I, 0);
    IntVector s1 = (IntVector) sum1.convert(VectorOperators.F2I, 0);
    s0.add(IntVector.fromArray(I, sums, 0)).intoArray(sums, 0);
    s1.add(IntVector.fromArray(I, sums, L)).intoArray(sums, L);
  }

  /** XNNPACK's per-channel epilogue for one row of one panel, from the integer sums. */
  private static void perChannelEpilogue1(
      QuantizedRows a,
      QuantizedWeights w,
      int i,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile,
      int[] sums) {
    int j0 = panel * NR;
    int zp = a.zeroPoints[i];
    float inScale = a.scales[i];
    IntVector s0 = IntVector.fromArray(I, sums, 0);
    IntVector s1 = IntVector.fromArray(I, sums, L);
    IntVector cs0 = IntVector.fromArray(I, w.columnSums, j0);
    IntVector cs1 = IntVector.fromArray(I, w.columnSums, j0 + L);
    FloatVector ws0 = FloatVector.fromArray(F, w.channelScales, j0);
    FloatVector ws1 = FloatVector.fromArray(F, w.channelScales, j0 + L);
    FloatVector bias0 = FloatVector.fromArray(F, w.bias, j0);
    FloatVector bias1 = FloatVector.fromArray(F, w.bias, j0 + L);
    FloatVector o0 =
        ((FloatVector) s0.sub(cs0.mul(zp)).convert(VectorOperators.I2F, 0))
            .mul(inScale)
            .fma(ws0, bias0)
            .max(min)
            .min(max);
    FloatVector o1 =
        ((FloatVector) s1.sub(cs1.mul(zp)).convert(VectorOperators.I2F, 0))
            .mul(inScale)
            .fma(ws1, bias1)
            .max(min)
            .min(max);
    long at = cOffset + i * ldc + j0;
    int valid = Math.min(NR, w.n - j0);
    if (valid == NR) {
      o0.intoMemorySegment(c, at * Float.BYTES, LE);
      o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
    } else {
      o0.intoArray(tile, 0);
      o1.intoArray(tile, L);
      store(tile, valid, c, at);
    }
  }

  /** {@link #perChannel1} for int4 weights, on int16 lanes (see {@link #INT16_FOR_INT4}). */
  private static void perChannel1Int16(
      QuantizedRows a,
      QuantizedWeights w,
      int i,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile) {
    int k = w.k;
    short[] x = a.valuesAsShort;
    byte[] wv = w.values;
    int x0 = i * k;
    int wBase = panel * k * NR;
    IntVector s0 = IntVector.zero(I);
    IntVector s1 = IntVector.zero(I);
    for (int p0 = 0; p0 < k; p0 += INT16_STEPS) {
      int pEnd = Math.min(k, p0 + INT16_STEPS);
      ShortVector acc = ShortVector.zero(S);
      for (int p = p0; p < pEnd; p++) {
        ShortVector ws =
            (ShortVector)
                ByteVector.fromArray(B, wv, wBase + p * NR).convertShape(VectorOperators.B2S, S, 0);
        acc = ws.mul(x[x0 + p]).add(acc);
      }
      IntVector lo = (IntVector) acc.convertShape(VectorOperators.S2I, I, 0);
      IntVector hi = (IntVector) acc.convertShape(VectorOperators.S2I, I, 1);
      s0 = s0.add(lo);
      s1 = s1.add(hi);
    }
    int j0 = panel * NR;
    int zp = a.zeroPoints[i];
    float inScale = a.scales[i];
    IntVector cs0 = IntVector.fromArray(I, w.columnSums, j0);
    IntVector cs1 = IntVector.fromArray(I, w.columnSums, j0 + L);
    FloatVector ws0 = FloatVector.fromArray(F, w.channelScales, j0);
    FloatVector ws1 = FloatVector.fromArray(F, w.channelScales, j0 + L);
    FloatVector bias0 = FloatVector.fromArray(F, w.bias, j0);
    FloatVector bias1 = FloatVector.fromArray(F, w.bias, j0 + L);
    FloatVector o0 =
        ((FloatVector) s0.sub(cs0.mul(zp)).convert(VectorOperators.I2F, 0))
            .mul(inScale)
            .fma(ws0, bias0)
            .max(min)
            .min(max);
    FloatVector o1 =
        ((FloatVector) s1.sub(cs1.mul(zp)).convert(VectorOperators.I2F, 0))
            .mul(inScale)
            .fma(ws1, bias1)
            .max(min)
            .min(max);
    long at = cOffset + i * ldc + j0;
    int valid = Math.min(NR, w.n - j0);
    if (valid == NR) {
      o0.intoMemorySegment(c, at * Float.BYTES, LE);
      o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
    } else {
      o0.intoArray(tile, 0);
      o1.intoArray(tile, L);
      store(tile, valid, c, at);
    }
  }

  private static void blockwise4(
      QuantizedRows a,
      QuantizedWeights w,
      int i0,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile) {
    int k = w.k;
    int bl = w.blockSize;
    float[] x = a.valuesAsFloat;
    byte[] wv = w.values;
    int x0 = i0 * k;
    int x1 = x0 + k;
    int x2 = x1 + k;
    int x3 = x2 + k;
    int wBase = panel * k * NR;
    int j0 = panel * NR;
    int off = w.activationOffset;
    FloatVector ks0 = FloatVector.fromArray(F, w.kernelSums, j0);
    FloatVector ks1 = FloatVector.fromArray(F, w.kernelSums, j0 + L);
    float z0 = a.zeroPoints[i0] + off;
    float z1 = a.zeroPoints[i0 + 1] + off;
    float z2 = a.zeroPoints[i0 + 2] + off;
    float z3 = a.zeroPoints[i0 + 3] + off;
    FloatVector v00 = ks0.mul(z0), v01 = ks1.mul(z0);
    FloatVector v10 = ks0.mul(z1), v11 = ks1.mul(z1);
    FloatVector v20 = ks0.mul(z2), v21 = ks1.mul(z2);
    FloatVector v30 = ks0.mul(z3), v31 = ks1.mul(z3);
    for (int b = 0; b < w.blocks; b++) {
      FloatVector f00 = FloatVector.zero(F), f01 = FloatVector.zero(F);
      FloatVector f10 = FloatVector.zero(F), f11 = FloatVector.zero(F);
      FloatVector f20 = FloatVector.zero(F), f21 = FloatVector.zero(F);
      FloatVector f30 = FloatVector.zero(F), f31 = FloatVector.zero(F);
      int pEnd = (b + 1) * bl;
      for (int p = b * bl; p < pEnd; p++) {
        ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
        FloatVector w0 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 0);
        FloatVector w1 = (FloatVector) wb.convertShape(VectorOperators.B2F, F, 1);
        FloatVector b0 = FloatVector.broadcast(F, x[x0 + p]);
        f00 = w0.fma(b0, f00);
        f01 = w1.fma(b0, f01);
        FloatVector b1 = FloatVector.broadcast(F, x[x1 + p]);
        f10 = w0.fma(b1, f10);
        f11 = w1.fma(b1, f11);
        FloatVector b2 = FloatVector.broadcast(F, x[x2 + p]);
        f20 = w0.fma(b2, f20);
        f21 = w1.fma(b2, f21);
        FloatVector b3 = FloatVector.broadcast(F, x[x3 + p]);
        f30 = w0.fma(b3, f30);
        f31 = w1.fma(b3, f31);
      }
      int at = (panel * w.blocks + b) * NR;
      FloatVector sc0 = FloatVector.fromArray(F, w.blockScales, at);
      FloatVector sc1 = FloatVector.fromArray(F, w.blockScales, at + L);
      FloatVector bo0 = FloatVector.fromArray(F, w.blockSumsOffset, at);
      FloatVector bo1 = FloatVector.fromArray(F, w.blockSumsOffset, at + L);
      // (q + off) . w = q . w + off * sum w: exact integers in float, then XNNPACK's fma.
      v00 = f00.add(bo0).fma(sc0, v00);
      v01 = f01.add(bo1).fma(sc1, v01);
      v10 = f10.add(bo0).fma(sc0, v10);
      v11 = f11.add(bo1).fma(sc1, v11);
      v20 = f20.add(bo0).fma(sc0, v20);
      v21 = f21.add(bo1).fma(sc1, v21);
      v30 = f30.add(bo0).fma(sc0, v30);
      v31 = f31.add(bo1).fma(sc1, v31);
    }
    FloatVector bias0 = FloatVector.fromArray(F, w.bias, j0);
    FloatVector bias1 = FloatVector.fromArray(F, w.bias, j0 + L);
    int valid = Math.min(NR, w.n - j0);
    for (int r = 0; r < MR; r++) {
      FloatVector t0;
      FloatVector t1;
      switch (r) {
        case 0 -> {
          t0 = v00;
          t1 = v01;
        }
        case 1 -> {
          t0 = v10;
          t1 = v11;
        }
        case 2 -> {
          t0 = v20;
          t1 = v21;
        }
        default -> {
          t0 = v30;
          t1 = v31;
        }
      }
      int i = i0 + r;
      float inScale = a.scales[i];
      FloatVector o0 = t0.mul(inScale).add(bias0).max(min).min(max);
      FloatVector o1 = t1.mul(inScale).add(bias1).max(min).min(max);
      long at = cOffset + i * ldc + j0;
      if (valid == NR) {
        o0.intoMemorySegment(c, at * Float.BYTES, LE);
        o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
      } else {
        o0.intoArray(tile, 0);
        o1.intoArray(tile, L);
        store(tile, valid, c, at);
      }
    }
  }

  private static void blockwise1(
      QuantizedRows a,
      QuantizedWeights w,
      int i,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile) {
    int k = w.k;
    int bl = w.blockSize;
    float[] x = a.valuesAsFloat;
    byte[] wv = w.values;
    int x0 = i * k;
    int wBase = panel * k * NR;
    int j0 = panel * NR;
    float z = a.zeroPoints[i] + w.activationOffset;
    FloatVector v0 = FloatVector.fromArray(F, w.kernelSums, j0).mul(z);
    FloatVector v1 = FloatVector.fromArray(F, w.kernelSums, j0 + L).mul(z);
    for (int blk = 0; blk < w.blocks; blk++) {
      FloatVector e0 = FloatVector.zero(F), e1 = FloatVector.zero(F);
      FloatVector d0 = FloatVector.zero(F), d1 = FloatVector.zero(F);
      int pEnd = (blk + 1) * bl;
      int p = blk * bl;
      for (; p + 1 < pEnd; p += 2) {
        ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
        FloatVector b = FloatVector.broadcast(F, x[x0 + p]);
        e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
        e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
        ByteVector wc = ByteVector.fromArray(B, wv, wBase + (p + 1) * NR);
        FloatVector d = FloatVector.broadcast(F, x[x0 + p + 1]);
        d0 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 0)).fma(d, d0);
        d1 = ((FloatVector) wc.convertShape(VectorOperators.B2F, F, 1)).fma(d, d1);
      }
      if (p < pEnd) {
        ByteVector wb = ByteVector.fromArray(B, wv, wBase + p * NR);
        FloatVector b = FloatVector.broadcast(F, x[x0 + p]);
        e0 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 0)).fma(b, e0);
        e1 = ((FloatVector) wb.convertShape(VectorOperators.B2F, F, 1)).fma(b, e1);
      }
      int at = (panel * w.blocks + blk) * NR;
      v0 =
          e0.add(d0)
              .add(FloatVector.fromArray(F, w.blockSumsOffset, at))
              .fma(FloatVector.fromArray(F, w.blockScales, at), v0);
      v1 =
          e1.add(d1)
              .add(FloatVector.fromArray(F, w.blockSumsOffset, at + L))
              .fma(FloatVector.fromArray(F, w.blockScales, at + L), v1);
    }
    float inScale = a.scales[i];
    FloatVector o0 = v0.mul(inScale).add(FloatVector.fromArray(F, w.bias, j0)).max(min).min(max);
    FloatVector o1 =
        v1.mul(inScale).add(FloatVector.fromArray(F, w.bias, j0 + L)).max(min).min(max);
    long at = cOffset + i * ldc + j0;
    int valid = Math.min(NR, w.n - j0);
    if (valid == NR) {
      o0.intoMemorySegment(c, at * Float.BYTES, LE);
      o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
    } else {
      o0.intoArray(tile, 0);
      o1.intoArray(tile, L);
      store(tile, valid, c, at);
    }
  }

  /** {@link #blockwise1} on int16 lanes (see {@link #INT16_FOR_INT4}). */
  private static void blockwise1Int16(
      QuantizedRows a,
      QuantizedWeights w,
      int i,
      int panel,
      MemorySegment c,
      long cOffset,
      long ldc,
      float min,
      float max,
      float[] tile) {
    int k = w.k;
    int bl = w.blockSize;
    short[] x = a.valuesAsShort;
    byte[] wv = w.values;
    int x0 = i * k;
    int wBase = panel * k * NR;
    int j0 = panel * NR;
    float z = a.zeroPoints[i] + w.activationOffset;
    FloatVector v0 = FloatVector.fromArray(F, w.kernelSums, j0).mul(z);
    FloatVector v1 = FloatVector.fromArray(F, w.kernelSums, j0 + L).mul(z);
    for (int blk = 0; blk < w.blocks; blk++) {
      IntVector s0 = IntVector.zero(I);
      IntVector s1 = IntVector.zero(I);
      int blockEnd = (blk + 1) * bl;
      for (int p0 = blk * bl; p0 < blockEnd; p0 += INT16_STEPS) {
        int pEnd = Math.min(blockEnd, p0 + INT16_STEPS);
        ShortVector acc = ShortVector.zero(S);
        for (int p = p0; p < pEnd; p++) {
          ShortVector ws =
              (ShortVector)
                  ByteVector.fromArray(B, wv, wBase + p * NR)
                      .convertShape(VectorOperators.B2S, S, 0);
          acc = ws.mul(x[x0 + p]).add(acc);
        }
        IntVector lo = (IntVector) acc.convertShape(VectorOperators.S2I, I, 0);
        IntVector hi = (IntVector) acc.convertShape(VectorOperators.S2I, I, 1);
        s0 = s0.add(lo);
        s1 = s1.add(hi);
      }
      int at = (panel * w.blocks + blk) * NR;
      FloatVector f0 = (FloatVector) s0.convert(VectorOperators.I2F, 0);
      FloatVector f1 = (FloatVector) s1.convert(VectorOperators.I2F, 0);
      v0 =
          f0.add(FloatVector.fromArray(F, w.blockSumsOffset, at))
              .fma(FloatVector.fromArray(F, w.blockScales, at), v0);
      v1 =
          f1.add(FloatVector.fromArray(F, w.blockSumsOffset, at + L))
              .fma(FloatVector.fromArray(F, w.blockScales, at + L), v1);
    }
    float inScale = a.scales[i];
    FloatVector o0 = v0.mul(inScale).add(FloatVector.fromArray(F, w.bias, j0)).max(min).min(max);
    FloatVector o1 =
        v1.mul(inScale).add(FloatVector.fromArray(F, w.bias, j0 + L)).max(min).min(max);
    long at = cOffset + i * ldc + j0;
    int valid = Math.min(NR, w.n - j0);
    if (valid == NR) {
      o0.intoMemorySegment(c, at * Float.BYTES, LE);
      o1.intoMemorySegment(c, (at + L) * Float.BYTES, LE);
    } else {
      o0.intoArray(tile, 0);
      o1.intoArray(tile, L);
      store(tile, valid, c, at);
    }
  }
}
