package org.et4j.kernels.util;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import org.et4j.runtime.ScalarType;

/**
 * A prepared copy of a strided view of one tensor's storage into a strided view of another's:
 * the engine behind ExecuTorch's copy-like portable kernels (permute, transpose, expand, slice,
 * cat, split, {@code _to_copy}, dim-order changes). Strides are in elements and may be zero
 * (broadcast) or negative (flip).
 *
 * <p>Preparation walks the destination in its storage order and merges dimensions that are
 * contiguous in both views, so a copy between equal layouts becomes one bulk move and a
 * channels-last change becomes rows of element moves. Same-dtype copies move bytes; a dtype change
 * converts each element with {@link Elements} ({@code static_cast} rules). Not thread-safe: the
 * odometer is reused across runs, and {@link #run} allocates nothing.
 */
public final class StridedCopy {
  private final ScalarType srcType;
  private final ScalarType dstType;
  private final boolean convert;
  private final int elementSize;
  private final boolean empty;
  private final long srcOffset;
  private final long dstOffset;
  private final int[] outerSizes;
  private final long[] outerSrc;
  private final long[] outerDst;
  private final int[] counter;
  private final long innerSize;
  private final long innerSrc;
  private final long innerDst;

  private StridedCopy(
      ScalarType srcType,
      ScalarType dstType,
      long srcOffset,
      long dstOffset,
      int[] sizes,
      long[] srcStrides,
      long[] dstStrides) {
    this.srcType = srcType;
    this.dstType = dstType;
    this.convert = srcType != dstType;
    this.elementSize = srcType.elementSize();
    this.srcOffset = srcOffset;
    this.dstOffset = dstOffset;
    int rank = sizes.length;
    boolean anyEmpty = false;
    for (int s : sizes) {
      anyEmpty |= s == 0;
    }
    this.empty = anyEmpty;
    // Destination storage order: larger |stride| outside; size-1 dimensions do not move anything.
    Integer[] order = new Integer[rank];
    for (int i = 0; i < rank; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(Math.abs(dstStrides[b]), Math.abs(dstStrides[a])));
    int[] sz = new int[Math.max(rank, 1)];
    long[] ss = new long[sz.length];
    long[] ds = new long[sz.length];
    int n = 0;
    for (int k = 0; k < rank; k++) {
      int d = order[k];
      if (sizes[d] == 1) {
        continue;
      }
      if (n > 0
          && ss[n - 1] == srcStrides[d] * sizes[d]
          && ds[n - 1] == dstStrides[d] * sizes[d]
          && (long) sz[n - 1] * sizes[d] <= Integer.MAX_VALUE) {
        sz[n - 1] *= sizes[d];
        ss[n - 1] = srcStrides[d];
        ds[n - 1] = dstStrides[d];
        continue;
      }
      sz[n] = sizes[d];
      ss[n] = srcStrides[d];
      ds[n] = dstStrides[d];
      n++;
    }
    if (n == 0) {
      innerSize = 1;
      innerSrc = 1;
      innerDst = 1;
      n = 1;
      sz[0] = 1;
    } else {
      innerSize = sz[n - 1];
      innerSrc = ss[n - 1];
      innerDst = ds[n - 1];
    }
    int outer = n - 1;
    outerSizes = java.util.Arrays.copyOf(sz, outer);
    outerSrc = java.util.Arrays.copyOf(ss, outer);
    outerDst = java.util.Arrays.copyOf(ds, outer);
    counter = new int[outer];
  }

  /**
   * Prepares a copy of the {@code sizes}-shaped view at {@code srcOffset} with {@code srcStrides}
   * (elements of {@code srcType}) into the view at {@code dstOffset} with {@code dstStrides}.
   */
  public static StridedCopy of(
      ScalarType srcType,
      long srcOffset,
      int[] sizes,
      long[] srcStrides,
      ScalarType dstType,
      long dstOffset,
      long[] dstStrides) {
    return new StridedCopy(srcType, dstType, srcOffset, dstOffset, sizes, srcStrides, dstStrides);
  }

  /** True when the view has no elements. */
  public boolean isEmpty() {
    return empty;
  }

  /** Copies from {@code src} to {@code dst} (the tensors' data segments). */
  public void run(MemorySegment src, MemorySegment dst) {
    if (empty) {
      return;
    }
    long so = srcOffset;
    long dO = dstOffset;
    int outer = counter.length;
    java.util.Arrays.fill(counter, 0);
    while (true) {
      row(src, so, dst, dO);
      int d = outer - 1;
      while (d >= 0) {
        so += outerSrc[d];
        dO += outerDst[d];
        if (++counter[d] < outerSizes[d]) {
          break;
        }
        so -= outerSrc[d] * outerSizes[d];
        dO -= outerDst[d] * outerSizes[d];
        counter[d] = 0;
        d--;
      }
      if (d < 0) {
        return;
      }
    }
  }

  private void row(MemorySegment src, long so, MemorySegment dst, long dO) {
    if (convert) {
      boolean viaLong = !srcType.isFloatingPoint();
      for (long k = 0; k < innerSize; k++) {
        long si = so + k * innerSrc;
        long di = dO + k * innerDst;
        if (viaLong) {
          Elements.writeLong(dstType, dst, di, Elements.readLong(srcType, src, si));
        } else {
          Elements.writeDouble(dstType, dst, di, Elements.readDouble(srcType, src, si));
        }
      }
      return;
    }
    int es = elementSize;
    if (innerSrc == 1 && innerDst == 1) {
      MemorySegment.copy(src, so * es, dst, dO * es, innerSize * es);
      return;
    }
    long sb = so * es;
    long db = dO * es;
    long sStep = innerSrc * es;
    long dStep = innerDst * es;
    switch (es) {
      case 1 -> {
        for (long k = 0; k < innerSize; k++, sb += sStep, db += dStep) {
          dst.set(JAVA_BYTE, db, src.get(JAVA_BYTE, sb));
        }
      }
      case 2 -> {
        for (long k = 0; k < innerSize; k++, sb += sStep, db += dStep) {
          dst.set(Elements.I16, db, src.get(Elements.I16, sb));
        }
      }
      case 4 -> {
        for (long k = 0; k < innerSize; k++, sb += sStep, db += dStep) {
          dst.set(Elements.I32, db, src.get(Elements.I32, sb));
        }
      }
      case 8 -> {
        for (long k = 0; k < innerSize; k++, sb += sStep, db += dStep) {
          dst.set(Elements.I64, db, src.get(Elements.I64, sb));
        }
      }
      default -> {
        for (long k = 0; k < innerSize; k++, sb += sStep, db += dStep) {
          MemorySegment.copy(src, sb, dst, db, es);
        }
      }
    }
  }

  /** Copies element {@code si} of {@code src} to element {@code di} of {@code dst} ({@code es} bytes each). */
  public static void copyElement(MemorySegment src, long si, MemorySegment dst, long di, int es) {
    switch (es) {
      case 1 -> dst.set(JAVA_BYTE, di, src.get(JAVA_BYTE, si));
      case 2 -> dst.set(Elements.I16, di * 2, src.get(Elements.I16, si * 2));
      case 4 -> dst.set(Elements.I32, di * 4, src.get(Elements.I32, si * 4));
      case 8 -> dst.set(Elements.I64, di * 8, src.get(Elements.I64, si * 8));
      default -> MemorySegment.copy(src, si * es, dst, di * es, es);
    }
  }

  /** {@code dst[di] += src[si]} in {@code type} (integers wrap; bool is logical or). */
  public static void addElement(ScalarType type, MemorySegment src, long si, MemorySegment dst, long di) {
    if (type.isFloatingPoint()) {
      Elements.writeDouble(type, dst, di, Elements.readDouble(type, dst, di) + Elements.readDouble(type, src, si));
    } else {
      Elements.writeLong(type, dst, di, Elements.readLong(type, dst, di) + Elements.readLong(type, src, si));
    }
  }
}
