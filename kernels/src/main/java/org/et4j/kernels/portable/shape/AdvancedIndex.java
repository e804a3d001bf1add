package org.et4j.kernels.portable.shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * PyTorch's advanced indexing ({@code self[indices]}), shared by {@code index.Tensor_out} and
 * {@code index_put}: ExecuTorch's {@code kernels/portable/cpu/util/index_util} and
 * {@code advanced_index_util}.
 *
 * <p>Each non-None entry of {@code indices} indexes self's dimensions: an int64/int32 tensor one
 * dimension, a bool (or uint8) mask as many dimensions as it has, standing for the coordinates of
 * its true elements. The index tensors broadcast together to a shape B. The result space X is
 * self's shape with the indexed dimensions replaced by B, in place when the indexed dimensions are
 * adjacent and in front otherwise. Negative indices count from the end; out-of-range ones are
 * InvalidArgument.
 *
 * <p>Built when shapes change; {@link #refresh} re-reads the index values on every execution. With
 * a mask the result shape itself is data, and the whole structure is rebuilt per execution. Self
 * must be contiguous.
 */
final class AdvancedIndex {
  /** The result space. */
  final int[] xSizes;

  /** Self's offset (elements) of the indexed part, per position in B (row-major). */
  final long[] bOffsets;

  /** Per X dimension: self's stride for a plain dimension, 0 for a B dimension. */
  final long[] xSelfStrides;

  /** Per X dimension: the row-major stride in B for a B dimension, 0 for a plain dimension. */
  final long[] xBStrides;

  /** True when a mask is among the indices: X then depends on the mask's data. */
  final boolean dataDependent;

  private final String op;
  private final TensorImpl self;
  private final List<Source> sources;
  private final int[] b;
  private final int[] coord;

  private AdvancedIndex(
      String op,
      TensorImpl self,
      List<Source> sources,
      int[] b,
      int[] xSizes,
      long[] xSelfStrides,
      long[] xBStrides,
      boolean dataDependent) {
    this.op = op;
    this.self = self;
    this.sources = sources;
    this.b = b;
    this.xSizes = xSizes;
    this.bOffsets = new long[(int) Shapes.numel(b)];
    this.xSelfStrides = xSelfStrides;
    this.xBStrides = xBStrides;
    this.dataDependent = dataDependent;
    this.coord = new int[Math.max(xSizes.length, b.length)];
  }

  /** One index over one self dimension: a tensor read through broadcast strides, or mask coordinates. */
  private record Source(int selfDim, int[] shape, TensorImpl tensor, long[] values, long[] bcast) {
    Source(int selfDim, int[] shape, TensorImpl tensor, long[] values) {
      this(selfDim, shape, tensor, values, new long[0]);
    }

    /** Strides, over B's dimensions, of this index's elements (0 where it broadcasts). */
    long[] broadcastStrides(int[] b) {
      if (bcast.length == b.length) {
        return bcast;
      }
      long[] own = Shapes.contiguousStrides(shape);
      long[] out = new long[b.length];
      for (int j = 0; j < shape.length; j++) {
        out[b.length - shape.length + j] = shape[j] == 1 ? 0 : own[j];
      }
      return out;
    }
  }

  static AdvancedIndex of(String op, TensorImpl self, TensorImpl[] indices) {
    KernelChecks.contiguous(op, self, "self");
    int rank = self.dim();
    List<Source> sources = new ArrayList<>();
    boolean masks = false;
    int cur = 0;
    for (int i = 0; i < indices.length; i++) {
      TensorImpl t = indices[i];
      if (t == null) {
        cur++;
        continue;
      }
      ScalarType type = t.dtype();
      if (type == ScalarType.BOOL || type == ScalarType.BYTE) {
        int k = t.dim();
        if (k == 0) {
          throw KernelChecks.invalid(op, "0-d boolean indices are not supported");
        }
        if (cur + k > rank) {
          throw KernelChecks.invalid(op, "too many indices for a tensor of rank " + rank);
        }
        for (int d = 0; d < k; d++) {
          if (t.size(d) != self.size(cur + d)) {
            throw KernelChecks.invalid(
                op, "mask " + t.describe() + " at index " + i + " does not match dimension " + (cur + d) + " of " + self.describe());
          }
        }
        KernelChecks.contiguous(op, t, "mask");
        masks = true;
        long count = 0;
        long n = t.numel();
        var data = t.data();
        for (long e = 0; e < n; e++) {
          if (data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, e) != 0) {
            count++;
          }
        }
        long[][] coords = new long[k][(int) count];
        int[] coord = new int[k];
        int c = 0;
        for (long e = 0; e < n; e++) {
          if (data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, e) != 0) {
            for (int d = 0; d < k; d++) {
              coords[d][c] = coord[d];
            }
            c++;
          }
          for (int d = k - 1; d >= 0; d--) {
            if (++coord[d] < t.size(d)) {
              break;
            }
            coord[d] = 0;
          }
        }
        for (int d = 0; d < k; d++) {
          sources.add(new Source(cur + d, new int[] {(int) count}, null, coords[d]));
        }
        cur += k;
      } else if (KernelChecks.isIndexType(type)) {
        if (cur >= rank) {
          throw KernelChecks.invalid(op, "too many indices for a tensor of rank " + rank);
        }
        KernelChecks.contiguous(op, t, "index");
        sources.add(new Source(cur, t.sizes(), t, null));
        cur++;
      } else {
        throw KernelChecks.invalid(op, "index " + i + " must be int64, int32 or bool, not " + type.displayName());
      }
    }
    if (cur > rank) {
      throw KernelChecks.invalid(op, "indexing too many dimensions: " + cur + " for a tensor of rank " + rank);
    }
    if (sources.isEmpty()) {
      return new AdvancedIndex(op, self, sources, new int[0], self.sizes(), self.strides(), new long[rank], false);
    }
    // B: the broadcast of the index shapes.
    int bRank = 0;
    for (Source s : sources) {
      bRank = Math.max(bRank, s.shape().length);
    }
    int[] b = new int[bRank];
    Arrays.fill(b, 1);
    for (Source s : sources) {
      int[] sh = s.shape();
      for (int j = 0; j < sh.length; j++) {
        int bj = bRank - sh.length + j;
        if (b[bj] == 1) {
          b[bj] = sh[j];
        } else if (sh[j] != 1 && sh[j] != b[bj]) {
          throw KernelChecks.invalid(op, "index shapes " + shapes(sources) + " cannot be broadcast together");
        }
      }
    }
    for (int k = 0; k < sources.size(); k++) {
      Source s0 = sources.get(k);
      sources.set(k, new Source(s0.selfDim(), s0.shape(), s0.tensor(), s0.values(), s0.broadcastStrides(b)));
    }
    long bNumel = Shapes.numel(b);
    // Positions: adjacent indexed dims keep their place.
    boolean[] indexed = new boolean[rank];
    int first = rank;
    int last = -1;
    for (Source s : sources) {
      if (indexed[s.selfDim()]) {
        throw KernelChecks.invalid(op, "dimension " + s.selfDim() + " is indexed twice");
      }
      indexed[s.selfDim()] = true;
      first = Math.min(first, s.selfDim());
      last = Math.max(last, s.selfDim());
    }
    boolean adjacent = last - first + 1 == sources.size();
    int plain = rank - sources.size();
    int xRank = plain + bRank;
    int[] xSizes = new int[xRank];
    long[] xSelf = new long[xRank];
    long[] xB = new long[xRank];
    long[] bStrides = Shapes.contiguousStrides(b);
    int at = 0;
    int bStart = adjacent ? first : 0;
    for (int d = 0; d < rank; d++) {
      if (at == bStart && (adjacent ? d == first : d == 0)) {
        for (int j = 0; j < bRank; j++) {
          xSizes[at] = b[j];
          xB[at] = bStrides[j];
          at++;
        }
      }
      if (!indexed[d]) {
        xSizes[at] = self.size(d);
        xSelf[at] = self.stride(d);
        at++;
      }
    }
    if (bNumel > Integer.MAX_VALUE) {
      throw KernelChecks.invalid(op, "index result too large");
    }
    AdvancedIndex index = new AdvancedIndex(op, self, sources, b, xSizes, xSelf, xB, masks);
    index.refresh();
    return index;
  }

  /**
   * Reads the index values (again) into the per-B offsets; a planned call does this on every
   * execution, since index tensors are data. Out-of-range values are InvalidArgument.
   */
  void refresh() {
    long[] offsets = bOffsets;
    java.util.Arrays.fill(offsets, 0);
    int bRank = b.length;
    int[] bc = coord;
    for (Source s : sources) {
      int[] sh = s.shape();
      long[] bcast = s.broadcastStrides(b);
      int dim = s.selfDim();
      long size = self.size(dim);
      long stride = self.stride(dim);
      Arrays.fill(bc, 0);
      long pos = 0;
      var data = s.tensor() == null ? null : s.tensor().data();
      var type = s.tensor() == null ? null : s.tensor().dtype();
      for (int e = 0; e < offsets.length; e++) {
        long v = data == null ? s.values()[(int) pos] : Elements.readLong(type, data, pos);
        long w = v < 0 ? v + size : v;
        if (w < 0 || w >= size) {
          throw KernelChecks.indexOutOfRange(op, v, dim, size);
        }
        offsets[e] += w * stride;
        for (int j = bRank - 1; j >= 0; j--) {
          pos += bcast[j];
          if (++bc[j] < b[j]) {
            break;
          }
          pos -= bcast[j] * b[j];
          bc[j] = 0;
        }
      }
    }
  }

  private static String shapes(List<Source> sources) {
    StringBuilder sb = new StringBuilder();
    for (Source s : sources) {
      sb.append(Arrays.toString(s.shape()));
    }
    return sb.toString();
  }

  /** {@code out[x] = self[index(x)]} for every position x of X; out has {@code outStrides} over X. */
  void gather(MemorySegment src, MemorySegment out, int es, long[] outStrides) {
    walk(src, null, out, outStrides, es, false, false);
  }

  /**
   * {@code out[index(x)] = values[x]} (or {@code +=}) for every position x of X, values read
   * through {@code valueStrides} over X (broadcast strides).
   */
  void scatter(MemorySegment values, long[] valueStrides, MemorySegment out, ScalarType type, boolean accumulate) {
    walk(values, type, out, valueStrides, type.elementSize(), true, accumulate);
  }

  private void walk(
      MemorySegment a, ScalarType type, MemorySegment c, long[] otherStrides, int es, boolean scatter, boolean accumulate) {
    long total = Shapes.numel(xSizes);
    if (total == 0) {
      return;
    }
    int n = xSizes.length;
    int[] x = coord;
    Arrays.fill(x, 0);
    long plainOff = 0;
    long bFlat = 0;
    long other = 0;
    for (long lin = 0; lin < total; lin++) {
      long selfOff = plainOff + bOffsets[(int) bFlat];
      if (!scatter) {
        StridedCopy.copyElement(a, selfOff, c, other, es);
      } else if (accumulate) {
        StridedCopy.addElement(type, a, other, c, selfOff);
      } else {
        StridedCopy.copyElement(a, other, c, selfOff, es);
      }
      for (int d = n - 1; d >= 0; d--) {
        plainOff += xSelfStrides[d];
        bFlat += xBStrides[d];
        other += otherStrides[d];
        if (++x[d] < xSizes[d]) {
          break;
        }
        plainOff -= xSelfStrides[d] * xSizes[d];
        bFlat -= xBStrides[d] * xSizes[d];
        other -= otherStrides[d] * xSizes[d];
        x[d] = 0;
      }
    }
  }
}
