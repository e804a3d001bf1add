package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::masked_select.out(Tensor self, Tensor mask, *, Tensor(a!) out)}: the elements of
 * self where the bool mask is true, self and mask broadcast together, in row-major order of the
 * broadcast shape; out is 1-d with a data-dependent length.
 */
public final class MaskedSelect {
  private static final String OP = "aten::masked_select.out";

  private MaskedSelect() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[2].toTensor(), "out");
          if (args[1].toTensor().dtype() != ScalarType.BOOL) {
            throw KernelChecks.invalid(OP, "mask must be bool, not " + args[1].toTensor().dtype().displayName());
          }
          return (KernelCall)
              context -> {
                TensorImpl self = args[0].toTensor();
                TensorImpl mask = args[1].toTensor();
                TensorImpl out = args[2].toTensor();
                int[] shape = broadcastShape(OP, self, mask);
                long[] ss = ViewCopy.broadcast(OP, self, shape).strides();
                long[] ms = ViewCopy.broadcast(OP, mask, shape).strides();
                long n = Shapes.numel(shape);
                MemorySegment m = n == 0 ? null : mask.data();
                long count = 0;
                int[] coord = new int[shape.length];
                for (long k = 0; k < n; k++) {
                  if (m.get(ValueLayout.JAVA_BYTE, dot(coord, ms)) != 0) {
                    count++;
                  }
                  advance(shape, coord);
                }
                Shapes.resize(OP, out, new int[] {Shapes.toSize(OP, count, "count")});
                if (count == 0) {
                  return;
                }
                MemorySegment src = self.data();
                MemorySegment dst = out.data();
                int es = self.dtype().elementSize();
                java.util.Arrays.fill(coord, 0);
                long at = 0;
                for (long k = 0; k < n; k++) {
                  if (m.get(ValueLayout.JAVA_BYTE, dot(coord, ms)) != 0) {
                    StridedCopy.copyElement(src, dot(coord, ss), dst, at++, es);
                  }
                  advance(shape, coord);
                }
              };
        });
  }

  /** The broadcast of two shapes. */
  static int[] broadcastShape(String op, TensorImpl a, TensorImpl b) {
    int n = Math.max(a.dim(), b.dim());
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      int x = i - (n - a.dim()) >= 0 ? a.size(i - (n - a.dim())) : 1;
      int y = i - (n - b.dim()) >= 0 ? b.size(i - (n - b.dim())) : 1;
      if (x != y && x != 1 && y != 1) {
        throw KernelChecks.invalid(op, a.describe() + " and " + b.describe() + " cannot be broadcast together");
      }
      s[i] = x == 1 ? y : x;
    }
    return s;
  }

  static long dot(int[] coord, long[] strides) {
    long o = 0;
    for (int d = 0; d < coord.length; d++) {
      o += coord[d] * strides[d];
    }
    return o;
  }

  static void advance(int[] shape, int[] coord) {
    for (int d = coord.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) {
        return;
      }
      coord[d] = 0;
    }
  }
}
