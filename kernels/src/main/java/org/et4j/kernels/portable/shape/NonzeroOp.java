package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::nonzero.out(Tensor self, *, Tensor(a!) out)}: the coordinates of the non-zero
 * elements in row-major order, as an int64 {@code [count, rank]} tensor (NaN counts as non-zero).
 */
public final class NonzeroOp {
  private static final String OP = "aten::nonzero.out";

  private NonzeroOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 3);
          TensorImpl out0 = args[1].toTensor();
          if (out0.dtype() != ScalarType.LONG || out0.dim() != 2) {
            throw KernelChecks.invalid(OP, "out must be a 2-d int64 tensor, got " + out0.describe());
          }
          return (KernelCall)
              context -> {
                TensorImpl self = args[0].toTensor();
                TensorImpl out = args[1].toTensor();
                int rank = self.dim();
                long n = self.numel();
                MemorySegment src = n == 0 ? null : self.data();
                var type = self.dtype();
                int[] coord = new int[rank];
                long count = 0;
                for (long k = 0; k < n; k++) {
                  if (nonzero(type, src, offset(self, coord))) {
                    count++;
                  }
                  advance(self, coord);
                }
                Shapes.resize(
                    OP, out, new int[] {Shapes.toSize(OP, count, "count"), rank});
                if (count == 0 || rank == 0) {
                  return;
                }
                MemorySegment dst = out.data();
                java.util.Arrays.fill(coord, 0);
                long row = 0;
                for (long k = 0; k < n; k++) {
                  if (nonzero(type, src, offset(self, coord))) {
                    for (int d = 0; d < rank; d++) {
                      dst.setAtIndex(Elements.I64, row * rank + d, coord[d]);
                    }
                    row++;
                  }
                  advance(self, coord);
                }
              };
        });
  }

  private static boolean nonzero(ScalarType type, MemorySegment s, long i) {
    return Elements.readBool(type, s, i) || (type.isFloatingPoint() && Double.isNaN(Elements.readDouble(type, s, i)));
  }

  static long offset(TensorImpl t, int[] coord) {
    long o = 0;
    for (int d = 0; d < coord.length; d++) {
      o += coord[d] * t.stride(d);
    }
    return o;
  }

  static void advance(TensorImpl t, int[] coord) {
    for (int d = coord.length - 1; d >= 0; d--) {
      if (++coord[d] < t.size(d)) {
        return;
      }
      coord[d] = 0;
    }
  }
}
