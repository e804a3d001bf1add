package org.et4j.backends.xnnpack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Offsets for the internal values of a graph in one arena, by liveness: a value lives from the
 * node that writes it to the last node that reads it, and two values share bytes only when their
 * lives do not overlap. Greedy by size (largest first, lowest offset that fits), as ExecuTorch's
 * and XNNPACK's planners do; offsets are 64-byte aligned so vector loads never straddle lines
 * needlessly.
 */
final class XnnArenaPlan {
  static final long ALIGNMENT = 64;

  /** One value to place: bytes needed and the first and last node index that touch it. */
  record Interval(int value, long bytes, int first, int last) {}

  private XnnArenaPlan() {}

  /**
   * Places the intervals.
   *
   * @param offsets filled with each interval's offset, indexed by {@link Interval#value}
   * @return the arena size
   */
  static long place(List<Interval> intervals, long[] offsets) {
    List<Interval> order = new ArrayList<>(intervals);
    order.sort(Comparator.comparingLong(Interval::bytes).reversed().thenComparingInt(Interval::first));
    List<Interval> placed = new ArrayList<>();
    long[] placedOffset = new long[order.size()];
    long total = 0;
    for (Interval iv : order) {
      long size = align(Math.max(iv.bytes(), 1));
      // Collect the placed neighbours whose lives overlap, sorted by offset, and take the first gap.
      List<long[]> busy = new ArrayList<>();
      for (int p = 0; p < placed.size(); p++) {
        Interval o = placed.get(p);
        if (o.first() <= iv.last() && iv.first() <= o.last()) {
          busy.add(new long[] {placedOffset[p], placedOffset[p] + align(Math.max(o.bytes(), 1))});
        }
      }
      busy.sort(Comparator.comparingLong(a -> a[0]));
      long offset = 0;
      for (long[] b : busy) {
        if (offset + size <= b[0]) {
          break;
        }
        offset = Math.max(offset, b[1]);
      }
      placedOffset[placed.size()] = offset;
      placed.add(iv);
      offsets[iv.value()] = offset;
      total = Math.max(total, offset + size);
    }
    return total;
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }
}
