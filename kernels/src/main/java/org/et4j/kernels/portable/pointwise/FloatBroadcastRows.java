package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.Elements;

/**
 * Float32 add/sub/mul/div over broadcast operands, one innermost row at a time: each row is
 * either a same-shape row (both inputs advance) or a tensor row with a broadcast scalar, which
 * are the {@link FloatPointwise} loops. Covers the common bias and scale broadcasts
 * ({@code [B, T, C] + [C]}, {@code [N, C] * [N, 1]}); other layouts return false and the caller
 * runs the generic loop.
 */
final class FloatBroadcastRows {
  enum Kind {
    ADD,
    SUB,
    MUL,
    DIV
  }

  private FloatBroadcastRows() {}

  /**
   * Runs {@code kind} over inputs 0 and 1 of {@code it} (all float32) if every row has a
   * supported layout.
   *
   * @return false, having written nothing, when the layout is not supported
   */
  static boolean tryBinary(BroadcastIndexes it, Kind kind, float alpha) {
    long inner = it.innerSize();
    if (inner < 2 || it.numel() == 0 || it.innerStride(0) != 1) {
      return false;
    }
    long sa = it.innerStride(1);
    long sb = it.innerStride(2);
    if (sa > 1 || sb > 1) {
      return false;
    }
    boolean supported =
        switch (kind) {
          case ADD -> (sa == 1) || (sb == 1 && alpha == 1f);
          case SUB, DIV -> sa == 1;
          case MUL -> sa == 1 || sb == 1;
        };
    if (!supported) {
      return false;
    }
    FloatPointwise fp = FloatPointwise.instance();
    MemorySegment o = it.out().data();
    MemorySegment a = it.input(0).data();
    MemorySegment b = it.input(1).data();
    long rows = it.numel() / inner;
    it.reset();
    for (long r = 0; r < rows; r++) {
      long oo = it.offset(0);
      long ao = it.offset(1);
      long bo = it.offset(2);
      if (sa == 1 && sb == 1) {
        switch (kind) {
          case ADD -> fp.add(a, ao, b, bo, alpha, o, oo, inner);
          case SUB -> fp.sub(a, ao, b, bo, alpha, o, oo, inner);
          case MUL -> fp.mul(a, ao, b, bo, o, oo, inner);
          case DIV -> fp.div(a, ao, b, bo, o, oo, inner);
        }
      } else if (sa == 1) {
        float y = b.getAtIndex(Elements.F32, bo);
        switch (kind) {
          case ADD -> fp.addScalar(a, ao, alpha * y, o, oo, inner);
          // a - x and a + (-x) are the same IEEE operation.
          case SUB -> fp.addScalar(a, ao, -(alpha * y), o, oo, inner);
          case MUL -> fp.mulScalar(a, ao, y, o, oo, inner);
          case DIV -> fp.divScalar(a, ao, y, o, oo, inner);
        }
      } else {
        float x = a.getAtIndex(Elements.F32, ao);
        // Only ADD with alpha 1 and MUL get here: both commute exactly in IEEE arithmetic.
        if (kind == Kind.ADD) {
          fp.addScalar(b, bo, x, o, oo, inner);
        } else {
          fp.mulScalar(b, bo, x, o, oo, inner);
        }
      }
      it.advanceRow();
    }
    return true;
  }
}
