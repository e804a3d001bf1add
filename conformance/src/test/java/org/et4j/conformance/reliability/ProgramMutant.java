package org.et4j.conformance.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.et4j.conformance.reliability.ProgramSites.Kind;
import org.et4j.conformance.reliability.ProgramSites.Site;

/**
 * A real program with one to four of its {@link ProgramSites} rewritten: the values written are
 * the ones that break kernels (zero, one, negative, off by one, doubled, huge, another real value
 * index, another dtype, a swapped dim order, swapped instructions). One case in eight also gets
 * a raw byte-level edit of the flatbuffer, for damage the sites do not describe.
 */
record ProgramMutant(byte[] bytes, String description) {
  static ProgramMutant of(byte[] original, ProgramSites sites, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] b = original.clone();
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    StringBuilder what = new StringBuilder();
    int edits = r.nextInt(6) == 0 ? 2 + r.nextInt(3) : 1;
    for (int e = 0; e < edits; e++) {
      if (e > 0) {
        what.append("; ");
      }
      if (sites.sites.isEmpty() || r.nextInt(8) == 0) {
        rawEdit(b, bb, r, what);
      } else {
        edit(bb, sites, sites.sites.get(r.nextInt(sites.sites.size())), r, what);
      }
    }
    return new ProgramMutant(b, what.toString());
  }

  private static void edit(ByteBuffer bb, ProgramSites sites, Site s, SplittableRandom r, StringBuilder what) {
    what.append(s.where()).append(' ');
    int maxValues = sites.valueCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    switch (s.kind()) {
      case SIZE -> {
        int v = bb.getInt(s.pos());
        int[] values = {0, 1, 2, 3, -1, v + 1, v - 1, 2 * v, v * 7, 1 << 16, 1 << 20, Integer.MAX_VALUE,
            Integer.MIN_VALUE, r.nextInt(9)};
        put4(bb, s, values[r.nextInt(values.length)], what);
      }
      case DTYPE -> {
        // 0..15 are ExecuTorch's classic dtypes, 22..28 the newer ones; a few beyond
        int[] values = {0, 1, 2, 3, 4, 5, 6, 7, 11, 15, 4, 6, 6, r.nextInt(32), -1, 127};
        put1(bb, s, values[r.nextInt(values.length)], what);
      }
      case DIM_ORDER -> put1(bb, s, r.nextInt(10) < 7 ? r.nextInt(5) : new int[] {-1, 64, 255}[r.nextInt(3)], what);
      case DYNAMISM -> put1(bb, s, r.nextInt(4), what);
      case STORAGE_OFFSET -> put4(bb, s, new int[] {1, -1, 7, 1 << 20}[r.nextInt(4)], what);
      case CONSTANT_INDEX -> {
        int v = bb.getInt(s.pos());
        put4(bb, s, new int[] {0, 1, v + 1, v - 1, r.nextInt(32), -1}[r.nextInt(6)], what);
      }
      case MEMORY_ID -> put4(bb, s, new int[] {0, 1, 2, 3, -1}[r.nextInt(5)], what);
      case MEMORY_OFFSET -> {
        int v = bb.getInt(s.pos());
        int[] values = {0, v + 1, v + 4, v - 4, v + 64, v - 64, v * 2, v / 2, r.nextInt(Math.max(1, 2 * v + 64)),
            Integer.MAX_VALUE, -16};
        put4(bb, s, values[r.nextInt(values.length)], what);
      }
      case INT, INT_LIST_ITEM -> {
        long v = bb.getLong(s.pos());
        long[] values = {0, 1, -1, -2, -3, 2, v + 1, v - 1, -v, 2 * v, v * 1000, Long.MIN_VALUE, Long.MAX_VALUE,
            Integer.MAX_VALUE, 1L << 32, r.nextInt(17) - 8};
        long x = values[r.nextInt(values.length)];
        bb.putLong(s.pos(), x);
        what.append(v).append(" -> ").append(x);
      }
      case DOUBLE -> {
        double v = bb.getDouble(s.pos());
        double[] values = {0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e308, -1,
            2 * v, -v, 1e-300, Long.MAX_VALUE};
        double x = values[r.nextInt(values.length)];
        bb.putDouble(s.pos(), x);
        what.append(v).append(" -> ").append(x);
      }
      case BOOL -> put1(bb, s, bb.get(s.pos()) == 0 ? (r.nextBoolean() ? 1 : 2) : 0, what);
      case VALUE_INDEX -> {
        int v = bb.getInt(s.pos());
        int[] values = {r.nextInt(maxValues), r.nextInt(maxValues), r.nextInt(maxValues), v + 1, v - 1, -1,
            maxValues, Integer.MAX_VALUE};
        put4(bb, s, values[r.nextInt(values.length)], what);
      }
      case OPERATOR_INDEX -> {
        int v = bb.getInt(s.pos());
        put4(bb, s, new int[] {v + 1, v - 1, r.nextInt(16), -1, 1 << 30}[r.nextInt(5)], what);
      }
      case JUMP_DESTINATION -> {
        int v = bb.getInt(s.pos());
        put4(bb, s, new int[] {0, v + 1, v - 1, r.nextInt(64), -1, Integer.MAX_VALUE}[r.nextInt(6)], what);
      }
      case INSTRUCTION -> swapInstructions(bb, sites.sites, s, r, what);
      case BUFFER_SIZE -> {
        long v = bb.getLong(s.pos());
        long[] values = {0, 1, v / 2, v - 1, v + 64, 2 * v, 1L << 40, -1, Long.MAX_VALUE};
        long x = values[r.nextInt(values.length)];
        bb.putLong(s.pos(), x);
        what.append(v).append(" -> ").append(x);
      }
    }
  }

  /** Swaps two entries of one chain's instruction vector (uoffsets are relative to their slot). */
  private static void swapInstructions(ByteBuffer bb, List<Site> all, Site a, SplittableRandom r, StringBuilder what) {
    List<Site> sameChain =
        all.stream().filter(x -> x.kind() == Kind.INSTRUCTION && x.group() == a.group() && x.pos() != a.pos()).toList();
    if (sameChain.isEmpty()) {
      what.append("(only instruction, unchanged)");
      return;
    }
    Site b = sameChain.get(r.nextInt(sameChain.size()));
    int ta = a.pos() + bb.getInt(a.pos());
    int tb = b.pos() + bb.getInt(b.pos());
    bb.putInt(a.pos(), tb - a.pos());
    bb.putInt(b.pos(), ta - b.pos());
    what.append("swapped with ").append(b.where());
  }

  private static void put4(ByteBuffer bb, Site s, int x, StringBuilder what) {
    what.append(bb.getInt(s.pos())).append(" -> ").append(x);
    bb.putInt(s.pos(), x);
  }

  private static void put1(ByteBuffer bb, Site s, int x, StringBuilder what) {
    what.append(bb.get(s.pos())).append(" -> ").append((byte) x);
    bb.put(s.pos(), (byte) x);
  }

  /** A bit flip or an extreme 32-bit word at an aligned offset of the flatbuffer part. */
  private static void rawEdit(byte[] b, ByteBuffer bb, SplittableRandom r, StringBuilder what) {
    int span = hotEnd(b);
    if (r.nextBoolean()) {
      int at = r.nextInt(span);
      int bit = r.nextInt(8);
      b[at] ^= (byte) (1 << bit);
      what.append("raw: flip bit ").append(bit).append(" @").append(at);
    } else {
      int at = r.nextInt(Math.max(1, span / 4)) * 4;
      int[] values = {0, 1, -1, 0x7FFFFFFF, 0x80000000, b.length, r.nextInt(64)};
      int v = values[r.nextInt(values.length)];
      bb.putInt(at, v);
      what.append("raw: u32 @").append(at).append(" := 0x").append(Integer.toHexString(v));
    }
  }

  /** program_size from the extended header, or the whole file. */
  private static int hotEnd(byte[] pte) {
    if (pte.length >= 24 && pte[8] == 'e' && pte[9] == 'h' && pte[10] == '0' && pte[11] == '0') {
      long size = ByteBuffer.wrap(pte).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
      return (int) Math.max(8, Math.min(pte.length, size));
    }
    return pte.length;
  }
}
