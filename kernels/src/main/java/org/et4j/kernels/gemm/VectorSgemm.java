package org.et4j.kernels.gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.et4j.kernels.util.FixedOrderLanes;
import org.et4j.kernels.util.Parallel;
import org.et4j.kernels.util.VectorSupport;

/**
 * The Vector API {@link Sgemm}, organised as in BLIS/GotoBLAS: {@code B} is packed into
 * {@code KC x NC} blocks of {@code NR}-wide column panels, {@code A} into {@code MC x KC} blocks of
 * {@code MR}-tall row panels (scaled by alpha on the way), and one register-blocked micro-kernel
 * computes each {@code MR x NR} tile from a pair of panels. Packing is what makes the speed stable:
 * the micro-kernel always streams two contiguous arrays, whatever the strides and transposes of
 * the operands.
 *
 * <p>The micro-kernel is {@code 8 x 2} vectors: 16 accumulators, two {@code B} vectors and one
 * broadcast of {@code A} live in registers (19 of AVX-512's 32). No vector is passed to or
 * returned from a method (a boxed vector costs 7x): the kernel parks its tile in a per-thread array
 * and a separate epilogue adds the addend and stores it. Edge tiles run the same kernel on
 * zero-padded panels and write their valid part in scalar code.
 *
 * <p>Loaded only by {@link SgemmSelection} when {@code jdk.incubator.vector} is present.
 */
final class VectorSgemm implements Sgemm {
  /** Chosen once from {@code et4j.vector}; a constant, so C2 compiles real vector code. */
  static final VectorSpecies<Float> F =
      VectorSupport.forcedBits() == 0
          ? FloatVector.SPECIES_PREFERRED
          : FloatVector.SPECIES_MAX.vectorBitSize() < VectorSupport.forcedBits()
              ? FloatVector.SPECIES_PREFERRED
              : VectorSpecies.of(float.class, VectorShape.forBitSize(VectorSupport.forcedBits()));

  private static final int L = F.length();
  private static final int LB = L * Float.BYTES;
  static final int MR = 8;
  static final int NR = 2 * L;

  // Block sizes (tunable for benchmarking only). KC = 512 keeps k <= 512 in one block, so C is
  // written once, and the 8 x KC A panel (16 KiB) in L1; the MC x KC A block (128 KiB) stays in
  // L2; the KC x NC B block streams from L3. Measured on Zen 5 per CPU-second at 512 and 1024:
  // KC/MC = 512/64 beat 256/128 by 10-15% and 128/128 by 20% (benchmarks/README.md).
  private static final int KC = Math.max(1, Integer.getInteger("et4j.gemm.kc", 512));
  private static final int MC = roundUp(Math.max(MR, Integer.getInteger("et4j.gemm.mc", 64)), MR);
  private static final int NC = roundUp(Math.max(NR, Integer.getInteger("et4j.gemm.nc", 4096)), NR);

  /**
   * Up to this many rows of C are computed row by row without packing: each row streams B once,
   * which beats packing B (0.1-0.8 ns per element) plus a mostly empty 8-row tile.
   */
  private static final int GEMV_ROWS = 3;

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  /**
   * The shallow-k kernels ({@link VectorSmallGemm}), off unless {@code -Det4j.gemm.smallk=true}:
   * C2 compiles them well in some JVM runs (mobilenet_v2 5% faster) and badly in others (its
   * 1x1 layers 20x slower, whole model 19 ms instead of 5.4 ms, same build, same machine), which
   * is the flip between fast and slow compilations of unpacked kernels that vector-api.md warns
   * of. Kept behind the switch until they compile stably.
   */
  private static final boolean SMALL_K = Boolean.getBoolean("et4j.gemm.smallk");
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  // How a tile's addend is read. ROW: NR contiguous floats per row (a matrix, a broadcast bias row,
  // or C itself when accumulating the next KC block). PER_ROW: one value per row (column stride 0).
  // STRIDED: anything else, done by the scalar edge path.
  private static final int ADD_NONE = 0;
  private static final int ADD_ROW = 1;
  private static final int ADD_PER_ROW = 2;
  private static final int ADD_STRIDED = 3;

  /** Per-thread packing buffers: allocated on first use, grown rarely, then reused. */
  private static final class Workspace {
    final float[] packedA = new float[MC * KC];
    float[] packedB = new float[0];
    final float[] tile = new float[MR * NR];
    /** Rows of A, row-major, for {@link #multiplyPacked} and {@link #multiplyIndirect}. */
    float[] rowsA = new float[0];
    /** This thread's reusable region arguments, so that a parallel call allocates nothing. */
    final MultiplyJob multiplyJob = new MultiplyJob();
    final PackedJob packedJob = new PackedJob();

    float[] rowsA(int floats) {
      if (rowsA.length < floats) {
        rowsA = new float[floats];
      }
      return rowsA;
    }
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  VectorSgemm() {}

  private static int roundUp(int x, int multiple) {
    return (x + multiple - 1) / multiple * multiple;
  }

  @Override
  public String name() {
    return "vector(" + F.vectorBitSize() + "-bit, " + MR + "x" + NR + ")";
  }

  @Override
  public void multiply(
      GemmShape shape, MemorySegment a, long aOffset, MemorySegment b, long bOffset,
      MemorySegment addend, long addendOffset, MemorySegment c, long cOffset) {
    if (shape == null) {
      throw new IllegalArgumentException("GEMM shape is null");
    }
    if (shape.m() == 0 || shape.n() == 0) {
      return;
    }
    if (shape.alpha() == 0 || shape.k() == 0) {
      // No products: C = beta * D, which the scalar loop does without reading A or B.
      ScalarSgemm.INSTANCE.multiply(shape, a, aOffset, b, bOffset, addend, addendOffset, c, cOffset);
      return;
    }
    Workspace ws = WORKSPACE.get();
    MultiplyJob job = ws.multiplyJob.inUse ? new MultiplyJob() : ws.multiplyJob;
    job.inUse = true;
    try {
      job.set(shape, a, aOffset, b, bOffset, addend, addendOffset, c, cOffset);
      multiply(job, ws);
    } finally {
      job.clear();
    }
  }

  /**
   * The blocked product, each block's work split over the pool: B's panels are packed by all
   * threads into the caller's buffer, then row tiles (or, for a short A, B panels) are shared out,
   * each thread packing its own A. Every output is computed by the same operations as on one
   * thread; only who computes it changes.
   */
  private static void multiply(MultiplyJob job, Workspace ws) {
    int m = job.m;
    int n = job.n;
    int k = job.k;
    int threads = Parallel.threads();
    if (m <= GEMV_ROWS && (!job.transB || !job.transA || m == 1 && job.lda == 1)) {
      // A few output rows (a linear layer on one to three tokens): packing B would cost as much as
      // the product, and the 8-row tile would waste most of its work. Stream B once per row,
      // threads sharing out strips of GEMV_STRIP columns (strip edges keep the tail where it was).
      job.phase = MultiplyJob.GEMV_COLUMNS;
      int strips = (n + GEMV_STRIP - 1) / GEMV_STRIP;
      Parallel.forRange(strips, job.grain((long) m * k * GEMV_STRIP), job);
      return;
    }
    float beta = job.beta;
    long addendColStride = job.addendColStride;
    int firstMode =
        beta == 0
            ? ADD_NONE
            : addendColStride == 1 ? ADD_ROW : addendColStride == 0 ? ADD_PER_ROW : ADD_STRIDED;
    int ncMax = Math.min(NC, roundUp(n, NR));
    int kcMax = Math.min(KC, k);
    if (ws.packedB.length < ncMax * kcMax) {
      ws.packedB = new float[ncMax * kcMax];
    }
    job.pb = ws.packedB;
    int rowTiles = (m + MR - 1) / MR;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int panels = (nc + NR - 1) / NR;
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        job.jc = jc;
        job.nc = nc;
        job.pc = pc;
        job.kc = kc;
        job.phase = MultiplyJob.PACK_B;
        Parallel.forRange(panels, job.grain((long) kc * NR), job);
        // The first KC block writes alpha*AB + beta*D; later ones add to what C holds.
        boolean first = pc == 0;
        job.mode = first ? firstMode : ADD_ROW;
        job.addBeta = first ? beta : 1f;
        job.d = first ? job.addend : job.c;
        job.dRs = first ? job.addendRowStride : job.ldc;
        job.dCs = first ? addendColStride : 1;
        job.dBase = first ? job.addendOffset + jc * job.dCs : job.cOffset + jc;
        if (rowTiles >= 2 * threads) {
          job.phase = MultiplyJob.ROW_TILES;
          Parallel.forRange(rowTiles, job.grain((long) MR * nc * kc), job);
        } else {
          job.phase = MultiplyJob.PANELS;
          Parallel.forRange(panels, job.grain((long) m * kc * NR), job);
        }
      }
    }
  }

  /** Columns per unit of work in the GEMV path: the widest strip {@link #gemvRow} computes. */
  private static final int GEMV_STRIP = 4 * L;

  /**
   * One {@link #multiply} call's arguments and current block, shared by the threads of its
   * regions; {@link #run} is one thread's share of the current phase. Written only by the caller,
   * between regions.
   */
  private static final class MultiplyJob implements Parallel.RangeTask {
    static final int PACK_B = 0;
    static final int ROW_TILES = 1;
    static final int PANELS = 2;
    static final int GEMV_COLUMNS = 3;

    boolean inUse;
    int phase;
    int m;
    int n;
    int k;
    float alpha;
    MemorySegment a;
    long aOffset;
    long lda;
    boolean transA;
    MemorySegment b;
    long bOffset;
    long ldb;
    boolean transB;
    float beta;
    MemorySegment addend;
    long addendOffset;
    long addendRowStride;
    long addendColStride;
    MemorySegment c;
    long cOffset;
    long ldc;
    // The current KC x NC block.
    int jc;
    int nc;
    int pc;
    int kc;
    float[] pb;
    int mode;
    float addBeta;
    MemorySegment d;
    long dRs;
    long dCs;
    long dBase;

    void set(
        GemmShape shape, MemorySegment a, long aOffset, MemorySegment b, long bOffset,
        MemorySegment addend, long addendOffset, MemorySegment c, long cOffset) {
      this.m = shape.m();
      this.n = shape.n();
      this.k = shape.k();
      this.alpha = shape.alpha();
      this.a = a;
      this.aOffset = aOffset;
      this.lda = shape.lda();
      this.transA = shape.transA();
      this.b = b;
      this.bOffset = bOffset;
      this.ldb = shape.ldb();
      this.transB = shape.transB();
      this.beta = shape.beta();
      this.addend = addend;
      this.addendOffset = addendOffset;
      this.addendRowStride = shape.addendRowStride();
      this.addendColStride = shape.addendColStride();
      this.c = c;
      this.cOffset = cOffset;
      this.ldc = shape.ldc();
    }

    /** The pool's grain for this cost, or "stay on the caller" if an operand is thread-confined. */
    int grain(long cost) {
      return Parallel.shareable(a) && Parallel.shareable(b) && Parallel.shareable(addend)
          ? Parallel.grain(cost, c, null)
          : Integer.MAX_VALUE;
    }

    /** Drops the references to the caller's memory, so a reused job does not keep it reachable. */
    void clear() {
      a = null;
      b = null;
      addend = null;
      c = null;
      d = null;
      pb = null;
      inUse = false;
    }

    @Override
    public void run(int from, int to) {
      switch (phase) {
        case PACK_B -> {
          int jr = from * NR;
          packB(b, bOffset, ldb, transB, pc, jc + jr, kc, Math.min(nc, to * NR) - jr, pb, jr * kc);
        }
        case ROW_TILES -> computeBlock(this, from * MR, Math.min(m, to * MR), 0, nc);
        case PANELS -> computeBlock(this, 0, m, from * NR, Math.min(nc, to * NR));
        default -> {
          int j0 = from * GEMV_STRIP;
          int j1 = Math.min(n, to * GEMV_STRIP);
          for (int i = 0; i < m; i++) {
            gemvRow(j0, j1, k, alpha, a, aOffset + (transA ? i : i * lda), transA ? lda : 1, b,
                bOffset, ldb, transB, beta, addend, addendOffset + i * addendRowStride,
                addendColStride, c, cOffset + i * ldc);
          }
        }
      }
    }
  }

  /**
   * Rows {@code [rowFrom, rowTo)} and packed columns {@code [jrFrom, jrTo)} of the job's current
   * block: this thread packs its A rows in MC blocks into its own workspace and runs the tiles.
   */
  private static void computeBlock(MultiplyJob job, int rowFrom, int rowTo, int jrFrom, int jrTo) {
    Workspace ws = WORKSPACE.get();
    float[] pa = ws.packedA;
    float[] tile = ws.tile;
    float[] pb = job.pb;
    int kc = job.kc;
    int nc = job.nc;
    long ldc = job.ldc;
    long dRs = job.dRs;
    long dCs = job.dCs;
    for (int ic = rowFrom; ic < rowTo; ic += MC) {
      int mc = Math.min(MC, rowTo - ic);
      packA(job.a, job.aOffset, job.lda, job.transA, job.alpha, ic, job.pc, mc, kc, pa);
      for (int jr = jrFrom; jr < jrTo; jr += NR) {
        int nr = Math.min(NR, nc - jr);
        for (int ir = 0; ir < mc; ir += MR) {
          int mr = Math.min(MR, mc - ir);
          long row = ic + ir;
          microKernel(pa, ir * kc, pb, jr * kc, kc, tile);
          storeTile(
              tile, job.c, job.cOffset + row * ldc + job.jc + jr, ldc, mr, nr,
              job.mode, job.addBeta, job.d, job.dBase + row * dRs + jr * dCs, dRs, dCs);
        }
      }
    }
  }

  /**
   * {@code C[0, :] = alpha * A[0, :] op(B) + beta * D[0, :]} without packing. With B transposed
   * (linear's weight) each output is a dot product of two contiguous rows, four rows of B per pass
   * so that each load of A serves four of them; otherwise rows of B are scaled and added into
   * {@code 4 * L}-wide strips of accumulators. Results are parked in the tile buffer and finished in
   * scalar code, an O(n) step beside the O(nk) product.
   */
  private static void gemvRow(
      int jFrom, int jTo, int k, float alpha, MemorySegment a, long aOffset, long aStep,
      MemorySegment b, long bOffset, long ldb, boolean transB, float beta, MemorySegment d,
      long dOffset, long dCs,
      MemorySegment c, long cOffset) {
    float[] tile = WORKSPACE.get().tile;
    int kv = k - k % L;
    int n = jTo;
    if (transB) {
      long ab = aOffset * Float.BYTES;
      int j = jFrom;
      for (; j + 4 <= n; j += 4) {
        long r0 = (bOffset + j * ldb) * Float.BYTES;
        long r1 = r0 + ldb * Float.BYTES;
        long r2 = r1 + ldb * Float.BYTES;
        long r3 = r2 + ldb * Float.BYTES;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int p = 0; p < kv; p += L) {
          long o = (long) p * Float.BYTES;
          FloatVector x = FloatVector.fromMemorySegment(F, a, ab + o, LE);
          s0 = FloatVector.fromMemorySegment(F, b, r0 + o, LE).fma(x, s0);
          s1 = FloatVector.fromMemorySegment(F, b, r1 + o, LE).fma(x, s1);
          s2 = FloatVector.fromMemorySegment(F, b, r2 + o, LE).fma(x, s2);
          s3 = FloatVector.fromMemorySegment(F, b, r3 + o, LE).fma(x, s3);
        }
        tile[0] = FixedOrderLanes.sum(s0);
        tile[1] = FixedOrderLanes.sum(s1);
        tile[2] = FixedOrderLanes.sum(s2);
        tile[3] = FixedOrderLanes.sum(s3);
        for (int q = 0; q < 4; q++) {
          long row = bOffset + (j + q) * ldb;
          float t = tile[q];
          for (int p = kv; p < k; p++) {
            t += a.getAtIndex(FLOAT, aOffset + p) * b.getAtIndex(FLOAT, row + p);
          }
          tile[q] = t;
        }
        finishRow(tile, 4, j, alpha, beta, d, dOffset, dCs, c, cOffset);
      }
      for (; j < n; j++) {
        long row = (bOffset + j * ldb) * Float.BYTES;
        FloatVector s0 = FloatVector.zero(F);
        for (int p = 0; p < kv; p += L) {
          long o = (long) p * Float.BYTES;
          s0 = FloatVector.fromMemorySegment(F, b, row + o, LE)
              .fma(FloatVector.fromMemorySegment(F, a, ab + o, LE), s0);
        }
        float t = FixedOrderLanes.sum(s0);
        for (int p = kv; p < k; p++) {
          t += a.getAtIndex(FLOAT, aOffset + p) * b.getAtIndex(FLOAT, bOffset + j * ldb + p);
        }
        tile[0] = t;
        finishRow(tile, 1, j, alpha, beta, d, dOffset, dCs, c, cOffset);
      }
      return;
    }
    int j = jFrom;
    for (; j + 4 * L <= n; j += 4 * L) {
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      FloatVector s2 = FloatVector.zero(F);
      FloatVector s3 = FloatVector.zero(F);
      for (int p = 0; p < k; p++) {
        FloatVector x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, aOffset + p * aStep));
        long o = (bOffset + p * ldb + j) * Float.BYTES;
        s0 = FloatVector.fromMemorySegment(F, b, o, LE).fma(x, s0);
        s1 = FloatVector.fromMemorySegment(F, b, o + LB, LE).fma(x, s1);
        s2 = FloatVector.fromMemorySegment(F, b, o + 2 * LB, LE).fma(x, s2);
        s3 = FloatVector.fromMemorySegment(F, b, o + 3 * LB, LE).fma(x, s3);
      }
      s0.intoArray(tile, 0);
      s1.intoArray(tile, L);
      s2.intoArray(tile, 2 * L);
      s3.intoArray(tile, 3 * L);
      finishRow(tile, 4 * L, j, alpha, beta, d, dOffset, dCs, c, cOffset);
    }
    for (; j + L <= n; j += L) {
      FloatVector s0 = FloatVector.zero(F);
      for (int p = 0; p < k; p++) {
        FloatVector x = FloatVector.broadcast(F, a.getAtIndex(FLOAT, aOffset + p * aStep));
        s0 = FloatVector.fromMemorySegment(F, b, (bOffset + p * ldb + j) * Float.BYTES, LE)
            .fma(x, s0);
      }
      s0.intoArray(tile, 0);
      finishRow(tile, L, j, alpha, beta, d, dOffset, dCs, c, cOffset);
    }
    for (; j < n; j++) {
      float t = 0;
      for (int p = 0; p < k; p++) {
        t += a.getAtIndex(FLOAT, aOffset + p * aStep) * b.getAtIndex(FLOAT, bOffset + p * ldb + j);
      }
      tile[0] = t;
      finishRow(tile, 1, j, alpha, beta, d, dOffset, dCs, c, cOffset);
    }
  }

  /** {@code C[0, j0 + i] = alpha * tile[i] + beta * D[0, j0 + i]} for {@code i < count}. */
  private static void finishRow(
      float[] tile, int count, int j0, float alpha, float beta, MemorySegment d, long dOffset,
      long dCs, MemorySegment c, long cOffset) {
    for (int i = 0; i < count; i++) {
      float v = alpha * tile[i];
      if (beta != 0) {
        v += beta * d.getAtIndex(FLOAT, dOffset + (j0 + i) * dCs);
      }
      c.setAtIndex(FLOAT, cOffset + j0 + i, v);
    }
  }

  /**
   * Packs {@code op(B)[pc:pc+kc, jc:jc+nc]} as panels of NR columns; element (p, j) of a panel at
   * {@code p * NR + j}, panel {@code q} at {@code pbOffset + q * NR * kc}. Columns past {@code nc}
   * are zeros, so edge tiles can run the full kernel.
   */
  static void packB(
      MemorySegment b, long bOffset, long ldb, boolean transB, int pc, int jc, int kc, int nc,
      float[] pb, int pbOffset) {
    for (int jr = 0; jr < nc; jr += NR) {
      int nr = Math.min(NR, nc - jr);
      int base = pbOffset + jr * kc;
      if (!transB && nr == NR) {
        // Rows of B are contiguous: two vector copies per p.
        long src = (bOffset + (long) pc * ldb + jc + jr) * Float.BYTES;
        long step = ldb * Float.BYTES;
        for (int p = 0; p < kc; p++, src += step) {
          int dst = base + p * NR;
          FloatVector.fromMemorySegment(F, b, src, LE).intoArray(pb, dst);
          FloatVector.fromMemorySegment(F, b, src + LB, LE).intoArray(pb, dst + L);
        }
      } else if (!transB) {
        for (int p = 0; p < kc; p++) {
          long src = bOffset + (long) (pc + p) * ldb + jc + jr;
          int dst = base + p * NR;
          for (int j = 0; j < nr; j++) {
            pb[dst + j] = b.getAtIndex(FLOAT, src + j);
          }
          for (int j = nr; j < NR; j++) {
            pb[dst + j] = 0f;
          }
        }
      } else {
        // B transposed (linear's weight): columns of op(B) are contiguous rows in memory.
        for (int j = 0; j < nr; j++) {
          long src = bOffset + (long) (jc + jr + j) * ldb + pc;
          for (int p = 0; p < kc; p++) {
            pb[base + p * NR + j] = b.getAtIndex(FLOAT, src + p);
          }
        }
        for (int j = nr; j < NR; j++) {
          for (int p = 0; p < kc; p++) {
            pb[base + p * NR + j] = 0f;
          }
        }
      }
    }
  }

  /**
   * Packs {@code alpha * op(A)[ic:ic+mc, pc:pc+kc]} as panels of MR rows; element (r, p) of a panel
   * at {@code p * MR + r}, panel at {@code ir * kc}. Rows past {@code mc} are zeros.
   */
  static void packA(
      MemorySegment a, long aOffset, long lda, boolean transA, float alpha, int ic, int pc, int mc,
      int kc, float[] pa) {
    for (int ir = 0; ir < mc; ir += MR) {
      int mr = Math.min(MR, mc - ir);
      int base = ir * kc;
      if (!transA) {
        for (int r = 0; r < mr; r++) {
          long src = aOffset + (long) (ic + ir + r) * lda + pc;
          for (int p = 0; p < kc; p++) {
            pa[base + p * MR + r] = alpha * a.getAtIndex(FLOAT, src + p);
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          long src = aOffset + (long) (pc + p) * lda + ic + ir;
          int dst = base + p * MR;
          for (int r = 0; r < mr; r++) {
            pa[dst + r] = alpha * a.getAtIndex(FLOAT, src + r);
          }
        }
      }
      if (mr < MR) {
        for (int p = 0; p < kc; p++) {
          for (int r = mr; r < MR; r++) {
            pa[base + p * MR + r] = 0f;
          }
        }
      }
    }
  }

  /**
   * The micro-kernel: {@code tile = A-panel x B-panel} for one MR x NR tile, accumulated in 16
   * registers and parked in {@code tile} for {@link #storeTile}. Kept to the loop alone: small
   * enough for C1 to compile (a C1 bail-out on a larger kernel once left it stuck at tier 2,
   * interpreting vector code at 1 GFLOPS), with nothing in it that could make C2 box a vector.
   * Parking costs 16 stores and 16 loads from L1 per {@code 16 * kc} FMAs.
   */
  static void microKernel(float[] pa, int ao, float[] pb, int bo, int kc, float[] tile) {
    FloatVector c00 = FloatVector.zero(F), c01 = FloatVector.zero(F);
    FloatVector c10 = FloatVector.zero(F), c11 = FloatVector.zero(F);
    FloatVector c20 = FloatVector.zero(F), c21 = FloatVector.zero(F);
    FloatVector c30 = FloatVector.zero(F), c31 = FloatVector.zero(F);
    FloatVector c40 = FloatVector.zero(F), c41 = FloatVector.zero(F);
    FloatVector c50 = FloatVector.zero(F), c51 = FloatVector.zero(F);
    FloatVector c60 = FloatVector.zero(F), c61 = FloatVector.zero(F);
    FloatVector c70 = FloatVector.zero(F), c71 = FloatVector.zero(F);
    // Indices are linear in p (not separately incremented) so that C2 can prove them in range once
    // per call instead of checking every load.
    for (int p = 0; p < kc; p++) {
      int ai = ao + p * MR;
      int bi = bo + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, pb, bi);
      FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
      FloatVector a0 = FloatVector.broadcast(F, pa[ai + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(F, pa[ai + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(F, pa[ai + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(F, pa[ai + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(F, pa[ai + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(F, pa[ai + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(F, pa[ai + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(F, pa[ai + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    c60.intoArray(tile, 6 * NR);
    c61.intoArray(tile, 6 * NR + L);
    c70.intoArray(tile, 7 * NR);
    c71.intoArray(tile, 7 * NR + L);
  }

  /**
   * Writes tile rows {@code 0..mr-1}, columns {@code 0..nr-1} to C, adding {@code beta * D}. Full
   * width rows with a row-contiguous or per-row addend go through vectors; the rest in scalar code.
   */
  static void storeTile(
      float[] tile, MemorySegment c, long cIdx, long ldc, int mr, int nr,
      int mode, float beta, MemorySegment d, long dIdx, long dRs, long dCs) {
    if (nr < NR || mode == ADD_STRIDED) {
      storeTileScalar(tile, c, cIdx, ldc, mr, nr, mode, beta, d, dIdx, dRs, dCs);
      return;
    }
    FloatVector vb = FloatVector.broadcast(F, beta);
    for (int r = 0; r < mr; r++) {
      FloatVector t0 = FloatVector.fromArray(F, tile, r * NR);
      FloatVector t1 = FloatVector.fromArray(F, tile, r * NR + L);
      long cb = (cIdx + r * ldc) * Float.BYTES;
      long db = (dIdx + r * dRs) * Float.BYTES;
      // Each mode stores from its own branch so that no vector variable merges two definitions.
      if (mode == ADD_NONE) {
        t0.intoMemorySegment(c, cb, LE);
        t1.intoMemorySegment(c, cb + LB, LE);
      } else if (mode == ADD_ROW) {
        FloatVector.fromMemorySegment(F, d, db, LE).fma(vb, t0).intoMemorySegment(c, cb, LE);
        FloatVector.fromMemorySegment(F, d, db + LB, LE).fma(vb, t1)
            .intoMemorySegment(c, cb + LB, LE);
      } else {
        // One addend value per row, e.g. a convolution's bias for one output channel.
        FloatVector x = FloatVector.broadcast(F, beta * d.get(FLOAT, db));
        t0.add(x).intoMemorySegment(c, cb, LE);
        t1.add(x).intoMemorySegment(c, cb + LB, LE);
      }
    }
  }

  /** Writes the valid {@code mr x nr} part of a parked tile, adding {@code beta * D}. */
  private static void storeTileScalar(
      float[] tile, MemorySegment c, long cIdx, long ldc, int mr, int nr,
      int mode, float beta, MemorySegment d, long dIdx, long dRs, long dCs) {
    for (int r = 0; r < mr; r++) {
      long cRow = cIdx + r * ldc;
      long dRow = dIdx + r * dRs;
      for (int j = 0; j < nr; j++) {
        float v = tile[r * NR + j];
        if (mode != ADD_NONE) {
          v += beta * d.getAtIndex(FLOAT, dRow + j * dCs);
        }
        c.setAtIndex(FLOAT, cRow + j, v);
      }
    }
  }
  // ---- Pack-once GEMM and IGEMM (XNNPACK's FullyConnected and Convolution) ----

  /**
   * The A rows one block of {@link #multiplyPacked} or {@link #multiplyIndirect} copies before
   * walking every panel of B: as many as fit in {@code ROW_BLOCK_FLOATS} (256 KiB, inside L2 with a
   * panel), at least one tile and at most MC. Each B panel is then loaded once per block and reused
   * by all its tiles.
   */
  private static final int ROW_BLOCK_FLOATS = 64 * 1024;

  @Override
  public PackedMatrix packB(
      int k, int n, MemorySegment w, long wOffset, long ldw, boolean nByK, MemorySegment bias,
      long biasOffset) {
    return PackedMatrix.pack(this, NR, k, n, w, wOffset, ldw, nByK, bias, biasOffset);
  }

  /**
   * XNNPACK's GEMM over pre-packed B: blocks of A rows are copied (row-major, a bulk copy per row,
   * O(mk) beside the O(mnk) product) into a per-thread buffer, then every NR panel of B is applied
   * to the block's 8-row tiles. A last block of 1-3 rows (or an m of 1-3: one token through a
   * linear layer) runs the 1- or 3-row kernel instead of wasting most of an 8-row tile.
   */
  @Override
  public void multiplyPacked(
      int m, MemorySegment a, long aOffset, long lda, PackedMatrix b, MemorySegment c, long cOffset,
      long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkMultiply(m, a, aOffset, lda, b, c, cOffset, ldc, min, max);
    if (m == 0 || b.n == 0) {
      return;
    }
    if (SMALL_K && m >= VectorSmallGemm.MIN_M && b.k >= 1 && b.k <= VectorSmallGemm.MAX_K) {
      // A shallow k over many rows (pointwise convolutions): kernels that store their own tiles.
      // Measured: they win on mobilenet_v2's 1x1 layers (k 16-32, m in the thousands) and lose
      // badly on a linear layer's few rows (mlp, m = 8: 2.6x slower) or at k = 64 (attention's
      // projections, m = 32: 8x slower), hence the bounds. They run on the calling thread.
      VectorSmallGemm.multiplyPacked(m, a, aOffset, lda, b, c, cOffset, ldc, min, max);
      return;
    }
    PackedJob job = PackedJob.take();
    try {
      job.set(m, b, c, cOffset, ldc, min, max);
      job.a = a;
      job.aOffset = aOffset;
      job.lda = lda;
      job.run();
    } finally {
      job.clear();
    }
  }

  /**
   * XNNPACK's IGEMM: for each block of output rows, each row's taps are gathered through the
   * indirection table (a bulk copy of {@code channels} floats per tap, or zeros for a padding tap)
   * into the same row buffer as {@link #multiplyPacked}, then the same tiles run. The gather is an
   * im2col of one L1/L2-sized block only, never of the whole image, and turns reads from the input
   * segment into array reads the micro-kernel can stream without per-element bounds checks.
   */
  @Override
  public void multiplyIndirect(
      int m, int taps, int channels, int[] indirection, int indirectionOffset, MemorySegment a,
      long aOffset, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
    b.checkPackedBy(this, NR);
    PackedMatrix.checkIndirect(
        m, taps, channels, indirection, indirectionOffset, a, aOffset, b, c, cOffset, ldc, min,
        max);
    if (m == 0 || b.n == 0) {
      return;
    }
    PackedJob job = PackedJob.take();
    try {
      job.set(m, b, c, cOffset, ldc, min, max);
      job.a = a;
      job.aOffset = aOffset;
      job.indirection = indirection;
      job.indirectionOffset = indirectionOffset;
      job.taps = taps;
      job.channels = channels;
      job.run();
    } finally {
      job.clear();
    }
  }

  /** Panels of B per unit of work when {@link PackedJob} splits columns: one 1-row kernel call. */
  private static final int PANEL_GROUP = 4;

  /**
   * One {@link #multiplyPacked} or {@link #multiplyIndirect} call (the latter when {@code
   * indirection} is set), split over the pool by row tiles, or by groups of B panels when A has
   * too few rows to go round (a linear layer on a few tokens). Each thread copies or gathers the
   * A rows it needs into its own workspace; B, the table and the input are only read.
   */
  private static final class PackedJob implements Parallel.RangeTask {
    boolean inUse;
    boolean byRows;
    int m;
    PackedMatrix b;
    MemorySegment c;
    long cOffset;
    long ldc;
    float min;
    float max;
    MemorySegment a;
    long aOffset;
    long lda;
    int[] indirection;
    int indirectionOffset;
    int taps;
    int channels;

    /** This thread's job, or a fresh one if this thread is already inside a call (re-entry). */
    static PackedJob take() {
      PackedJob job = WORKSPACE.get().packedJob;
      if (job.inUse) {
        job = new PackedJob();
      }
      job.inUse = true;
      return job;
    }

    void set(
        int m, PackedMatrix b, MemorySegment c, long cOffset, long ldc, float min, float max) {
      this.m = m;
      this.b = b;
      this.c = c;
      this.cOffset = cOffset;
      this.ldc = ldc;
      this.min = min;
      this.max = max;
    }

    void clear() {
      b = null;
      c = null;
      a = null;
      indirection = null;
      inUse = false;
    }

    void run() {
      int rowTiles = (m + MR - 1) / MR;
      int panels = (b.n + NR - 1) / NR;
      long k = Math.max(1, b.k);
      byRows = rowTiles >= 2 * Parallel.threads();
      if (byRows) {
        Parallel.forRange(rowTiles, Parallel.grain(MR * (long) b.n * k, a, c), this);
      } else {
        int groups = (panels + PANEL_GROUP - 1) / PANEL_GROUP;
        Parallel.forRange(groups, Parallel.grain((long) m * k * NR * PANEL_GROUP, a, c), this);
      }
    }

    @Override
    public void run(int from, int to) {
      int panels = (b.n + NR - 1) / NR;
      if (byRows) {
        rows(from * MR, Math.min(m, to * MR), 0, panels);
      } else {
        rows(0, m, from * PANEL_GROUP, Math.min(panels, to * PANEL_GROUP));
      }
    }

    /** Rows {@code [rowFrom, rowTo)} times panels {@code [panelFrom, panelTo)}, block by block. */
    private void rows(int rowFrom, int rowTo, int panelFrom, int panelTo) {
      int k = b.k;
      int block = rowBlock(k);
      float[] pa = WORKSPACE.get().rowsA(block * k);
      for (int ic = rowFrom; ic < rowTo; ic += block) {
        int mc = Math.min(block, rowTo - ic);
        if (indirection == null) {
          if (k > 0) {
            for (int r = 0; r < mc; r++) {
              MemorySegment.copy(
                  a, FLOAT, (aOffset + (ic + r) * lda) * Float.BYTES, pa, r * k, k);
            }
          }
        } else {
          int e = indirectionOffset + ic * taps;
          for (int r = 0; r < mc; r++) {
            int dst = r * k;
            for (int t = 0; t < taps; t++, e++, dst += channels) {
              int row = indirection[e];
              if (row < 0) {
                java.util.Arrays.fill(pa, dst, dst + channels, 0f);
              } else {
                gather(a, (aOffset + row) * Float.BYTES, pa, dst, channels);
              }
            }
          }
        }
        multiplyBlock(pa, mc, b, panelFrom, panelTo, c, cOffset + ic * ldc, ldc, min, max);
      }
    }
  }

  /**
   * Copies one tap's {@code channels} floats into the row buffer. A tap is short (often 16-256
   * floats) and there are {@code taps} of them per row, so a vector loop with a scalar tail beats
   * {@link MemorySegment#copy}'s per-call checks.
   */
  private static void gather(MemorySegment a, long byteOffset, float[] pa, int dst, int channels) {
    int q = 0;
    for (; q + L <= channels; q += L) {
      FloatVector.fromMemorySegment(F, a, byteOffset + (long) q * Float.BYTES, LE)
          .intoArray(pa, dst + q);
    }
    for (; q < channels; q++) {
      pa[dst + q] = a.get(FLOAT, byteOffset + (long) q * Float.BYTES);
    }
  }

  /** Rows per block, such that the block's slice of A that one k pass touches fits the budget. */
  private static int rowBlock(int k) {
    int slice = Math.min(k, KC + KC / 2);
    int rows = Math.max(MR, ROW_BLOCK_FLOATS / Math.max(1, slice) / MR * MR);
    return Math.min(MC, rows);
  }

  /**
   * {@code C[0:mc, :] = clamp(rows x B + bias)} for {@code mc} rows held row-major in {@code pa}
   * ({@code pa.length >= roundUp(mc, MR) * k}), over B's panels {@code [panelFrom, panelTo)}.
   * Tiles of 4-7 rows run the 8-row kernel: its spare rows compute on stale buffer contents and
   * are never stored. The 8-row tiles walk k in KC
   * slices, as BLIS does, so that a tile's A slice stays in L1 and a panel's B slice in L2 however
   * deep k is: the first slice starts from the bias, later ones from the partial sums parked in C,
   * and only the last one clamps. A tail of 1-3 rows runs a short kernel over all of k that covers
   * several panels per call (4 for one row, 2 for two or three), so that it still keeps 8-12
   * accumulator chains and as many B streams in flight.
   */
  private static void multiplyBlock(
      float[] pa, int mc, PackedMatrix b, int panelFrom, int panelTo, MemorySegment c, long cIdx,
      long ldc, float min, float max) {
    int k = b.k;
    int n = Math.min(b.n, panelTo * NR);
    int stride = b.panelStride;
    float[] pb = b.data;
    float[] tile = WORKSPACE.get().tile;
    int rem = mc % MR;
    int full = rem >= 4 ? mc : mc - rem;
    int tail = mc - full;
    // Equal slices, as many as KC rounds to: k = 576 (3x3x64) stays whole, k = 1024 is 2 x 512.
    int slices = Math.max(1, (k + KC / 2) / KC);
    int step = Math.max(1, (k + slices - 1) / slices);
    for (int pc = 0; full > 0 && (pc < k || pc == 0); pc += step) {
      int kc = Math.min(step, k - pc);
      boolean first = pc == 0;
      boolean last = pc + kc >= k;
      float lo = last ? min : Float.NEGATIVE_INFINITY;
      float hi = last ? max : Float.POSITIVE_INFINITY;
      for (int jr = panelFrom * NR, bo = panelFrom * stride; jr < n; jr += NR, bo += stride) {
        int nr = Math.min(NR, n - jr);
        for (int ir = 0; ir < full; ir += MR) {
          int mr = Math.min(MR, mc - ir);
          long cTile = cIdx + ir * ldc + jr;
          if (first) {
            packedKernel8(pa, ir * k + pc, k, kc, pb, bo + NR, pb, bo, 0, tile);
          } else {
            loadTile(c, cTile, ldc, mr, nr, tile);
            packedKernel8(pa, ir * k + pc, k, kc, pb, bo + NR + pc * NR, tile, 0, NR, tile);
          }
          storeClamped(tile, 0, c, cTile, ldc, mr, nr, lo, hi);
        }
      }
    }
    if (tail == 0) {
      return;
    }
    int panels = (n + NR - 1) / NR;
    int group = tail == 1 ? 4 : 2;
    long cTail = cIdx + full * ldc;
    for (int q = panelFrom; q < panels; q += group) {
      // Panels past the last alias it (as XNNPACK's short tiles alias rows): computed, not stored.
      int last = panels - 1;
      int bo0 = q * stride;
      int bo1 = Math.min(q + 1, last) * stride;
      if (tail == 1) {
        int bo2 = Math.min(q + 2, last) * stride;
        int bo3 = Math.min(q + 3, last) * stride;
        packedKernel1x4(pa, full * k, k, pb, bo0, bo1, bo2, bo3, tile);
      } else {
        packedKernel3x2(pa, full * k, k, tail, pb, bo0, bo1, tile);
      }
      for (int g = 0; g < group && q + g < panels; g++) {
        int jr = (q + g) * NR;
        storeClamped(
            tile, g * tail * NR, c, cTail + jr, ldc, tail, Math.min(NR, n - jr), min, max);
      }
    }
  }

  /**
   * The 8 x 2-vector micro-kernel of the packed GEMM: the same broadcast-FMA as {@link
   * #microKernel} over {@code kc} steps, with A read row-major (row {@code r} at {@code pa[ao + r *
   * lda + p]}) and B's rows at {@code pb[bi + p * NR]}. The accumulators start from {@code init}:
   * row {@code r} at {@code init[io + r * irs]}, which is the panel's bias row with {@code irs = 0}
   * (XNNPACK's layout) or a partial tile with {@code irs = NR}; one source with a stride, so no
   * vector merges two definitions. The tile is parked in {@code tile} (which may be {@code init})
   * for {@link #storeClamped}, keeping this method small and free of vector arguments.
   */
  static void packedKernel8(
      float[] pa, int ao, int lda, int kc, float[] pb, int bi, float[] init, int io, int irs,
      float[] tile) {
    FloatVector c00 = FloatVector.fromArray(F, init, io);
    FloatVector c01 = FloatVector.fromArray(F, init, io + L);
    FloatVector c10 = FloatVector.fromArray(F, init, io + irs);
    FloatVector c11 = FloatVector.fromArray(F, init, io + irs + L);
    FloatVector c20 = FloatVector.fromArray(F, init, io + 2 * irs);
    FloatVector c21 = FloatVector.fromArray(F, init, io + 2 * irs + L);
    FloatVector c30 = FloatVector.fromArray(F, init, io + 3 * irs);
    FloatVector c31 = FloatVector.fromArray(F, init, io + 3 * irs + L);
    FloatVector c40 = FloatVector.fromArray(F, init, io + 4 * irs);
    FloatVector c41 = FloatVector.fromArray(F, init, io + 4 * irs + L);
    FloatVector c50 = FloatVector.fromArray(F, init, io + 5 * irs);
    FloatVector c51 = FloatVector.fromArray(F, init, io + 5 * irs + L);
    FloatVector c60 = FloatVector.fromArray(F, init, io + 6 * irs);
    FloatVector c61 = FloatVector.fromArray(F, init, io + 6 * irs + L);
    FloatVector c70 = FloatVector.fromArray(F, init, io + 7 * irs);
    FloatVector c71 = FloatVector.fromArray(F, init, io + 7 * irs + L);
    int a0 = ao;
    int a1 = ao + lda;
    int a2 = a1 + lda;
    int a3 = a2 + lda;
    int a4 = a3 + lda;
    int a5 = a4 + lda;
    int a6 = a5 + lda;
    int a7 = a6 + lda;
    for (int p = 0; p < kc; p++) {
      int bp = bi + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, pb, bp);
      FloatVector b1 = FloatVector.fromArray(F, pb, bp + L);
      FloatVector x0 = FloatVector.broadcast(F, pa[a0 + p]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(F, pa[a1 + p]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(F, pa[a2 + p]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(F, pa[a3 + p]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
      FloatVector x4 = FloatVector.broadcast(F, pa[a4 + p]);
      c40 = x4.fma(b0, c40);
      c41 = x4.fma(b1, c41);
      FloatVector x5 = FloatVector.broadcast(F, pa[a5 + p]);
      c50 = x5.fma(b0, c50);
      c51 = x5.fma(b1, c51);
      FloatVector x6 = FloatVector.broadcast(F, pa[a6 + p]);
      c60 = x6.fma(b0, c60);
      c61 = x6.fma(b1, c61);
      FloatVector x7 = FloatVector.broadcast(F, pa[a7 + p]);
      c70 = x7.fma(b0, c70);
      c71 = x7.fma(b1, c71);
    }
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + L);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + L);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + L);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + L);
    c60.intoArray(tile, 6 * NR);
    c61.intoArray(tile, 6 * NR + L);
    c70.intoArray(tile, 7 * NR);
    c71.intoArray(tile, 7 * NR + L);
  }

  /**
   * The kernel for 2 or 3 rows ({@code rows}) and two panels at {@code bo0} and {@code bo1}; with 2
   * rows the third aliases the second, as XNNPACK's short tiles alias the previous row pointer, so
   * the loop has no branch. Panel {@code q}'s row {@code r} is parked at {@code (q * rows + r) *
   * NR}.
   */
  static void packedKernel3x2(
      float[] pa, int ao, int k, int rows, float[] pb, int bo0, int bo1, float[] tile) {
    FloatVector c00 = FloatVector.fromArray(F, pb, bo0);
    FloatVector c01 = FloatVector.fromArray(F, pb, bo0 + L);
    FloatVector c02 = FloatVector.fromArray(F, pb, bo1);
    FloatVector c03 = FloatVector.fromArray(F, pb, bo1 + L);
    FloatVector c10 = c00, c11 = c01, c12 = c02, c13 = c03;
    FloatVector c20 = c00, c21 = c01, c22 = c02, c23 = c03;
    int a0 = ao;
    int a1 = ao + k;
    int a2 = rows > 2 ? a1 + k : a1;
    for (int p = 0; p < k; p++) {
      int bi = bo0 + NR + p * NR;
      int bj = bo1 + NR + p * NR;
      FloatVector b0 = FloatVector.fromArray(F, pb, bi);
      FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
      FloatVector b2 = FloatVector.fromArray(F, pb, bj);
      FloatVector b3 = FloatVector.fromArray(F, pb, bj + L);
      FloatVector x0 = FloatVector.broadcast(F, pa[a0 + p]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      c02 = x0.fma(b2, c02);
      c03 = x0.fma(b3, c03);
      FloatVector x1 = FloatVector.broadcast(F, pa[a1 + p]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      c12 = x1.fma(b2, c12);
      c13 = x1.fma(b3, c13);
      FloatVector x2 = FloatVector.broadcast(F, pa[a2 + p]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      c22 = x2.fma(b2, c22);
      c23 = x2.fma(b3, c23);
    }
    int t1 = rows * NR;
    c00.intoArray(tile, 0);
    c01.intoArray(tile, L);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + L);
    c02.intoArray(tile, t1);
    c03.intoArray(tile, t1 + L);
    c12.intoArray(tile, t1 + NR);
    c13.intoArray(tile, t1 + NR + L);
    if (rows > 2) {
      c20.intoArray(tile, 2 * NR);
      c21.intoArray(tile, 2 * NR + L);
      c22.intoArray(tile, t1 + 2 * NR);
      c23.intoArray(tile, t1 + 2 * NR + L);
    }
  }

  /**
   * One row (a GEMV: one token through a linear layer) against four panels at once: eight
   * independent accumulator chains hide the FMA latency, and four B streams keep more memory
   * requests in flight than one, which matters once B no longer fits in L2. Panel {@code q} is
   * parked at {@code q * NR}.
   */
  static void packedKernel1x4(
      float[] pa, int ao, int k, float[] pb, int bo0, int bo1, int bo2, int bo3, float[] tile) {
    FloatVector c0 = FloatVector.fromArray(F, pb, bo0);
    FloatVector c1 = FloatVector.fromArray(F, pb, bo0 + L);
    FloatVector c2 = FloatVector.fromArray(F, pb, bo1);
    FloatVector c3 = FloatVector.fromArray(F, pb, bo1 + L);
    FloatVector c4 = FloatVector.fromArray(F, pb, bo2);
    FloatVector c5 = FloatVector.fromArray(F, pb, bo2 + L);
    FloatVector c6 = FloatVector.fromArray(F, pb, bo3);
    FloatVector c7 = FloatVector.fromArray(F, pb, bo3 + L);
    for (int p = 0; p < k; p++) {
      int o = NR + p * NR;
      FloatVector x = FloatVector.broadcast(F, pa[ao + p]);
      c0 = x.fma(FloatVector.fromArray(F, pb, bo0 + o), c0);
      c1 = x.fma(FloatVector.fromArray(F, pb, bo0 + o + L), c1);
      c2 = x.fma(FloatVector.fromArray(F, pb, bo1 + o), c2);
      c3 = x.fma(FloatVector.fromArray(F, pb, bo1 + o + L), c3);
      c4 = x.fma(FloatVector.fromArray(F, pb, bo2 + o), c4);
      c5 = x.fma(FloatVector.fromArray(F, pb, bo2 + o + L), c5);
      c6 = x.fma(FloatVector.fromArray(F, pb, bo3 + o), c6);
      c7 = x.fma(FloatVector.fromArray(F, pb, bo3 + o + L), c7);
    }
    c0.intoArray(tile, 0);
    c1.intoArray(tile, L);
    c2.intoArray(tile, NR);
    c3.intoArray(tile, NR + L);
    c4.intoArray(tile, 2 * NR);
    c5.intoArray(tile, 2 * NR + L);
    c6.intoArray(tile, 3 * NR);
    c7.intoArray(tile, 3 * NR + L);
  }

  /** Parks the partial sums {@code C[r, j]} ({@code r < mr, j < nr}) at {@code tile[r * NR + j]}. */
  private static void loadTile(MemorySegment c, long cIdx, long ldc, int mr, int nr, float[] tile) {
    for (int r = 0; r < mr; r++) {
      long cRow = cIdx + r * ldc;
      if (nr == NR) {
        FloatVector.fromMemorySegment(F, c, cRow * Float.BYTES, LE).intoArray(tile, r * NR);
        FloatVector.fromMemorySegment(F, c, (cRow + L) * Float.BYTES, LE)
            .intoArray(tile, r * NR + L);
      } else {
        MemorySegment.copy(c, FLOAT, cRow * Float.BYTES, tile, r * NR, nr);
      }
    }
  }

  /**
   * Writes the parked rows {@code tile[to + r * NR + j]}, {@code r < mr, j < nr}, to C through
   * XNNPACK's output clamp {@code max(min(x, max), min)} (a NaN stays NaN): vectors for whole
   * vectors of a row, scalar code for the column tail.
   */
  static void storeClamped(
      float[] tile, int to, MemorySegment c, long cIdx, long ldc, int mr, int nr, float min,
      float max) {
    FloatVector lo = FloatVector.broadcast(F, min);
    FloatVector hi = FloatVector.broadcast(F, max);
    if (nr == NR) {
      for (int r = 0; r < mr; r++) {
        long cb = (cIdx + r * ldc) * Float.BYTES;
        int t = to + r * NR;
        FloatVector.fromArray(F, tile, t).min(hi).max(lo).intoMemorySegment(c, cb, LE);
        FloatVector.fromArray(F, tile, t + L).min(hi).max(lo).intoMemorySegment(c, cb + LB, LE);
      }
      return;
    }
    // A partial panel: whole vectors, then one masked store for the rest of the row. The mask is
    // built once per tile, outside any k loop.
    int first = nr >= L ? L : 0;
    VectorMask<Float> rest = F.indexInRange(first, nr);
    for (int r = 0; r < mr; r++) {
      long cb = (cIdx + r * ldc) * Float.BYTES;
      int t = to + r * NR;
      if (first > 0) {
        FloatVector.fromArray(F, tile, t).min(hi).max(lo).intoMemorySegment(c, cb, LE);
      }
      if (nr > first) {
        FloatVector.fromArray(F, tile, t + first).min(hi).max(lo)
            .intoMemorySegment(c, cb + (long) first * Float.BYTES, LE, rest);
      }
    }
  }
}
