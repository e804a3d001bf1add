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
 * {@code aten::masked_scatter.out(Tensor self, Tensor mask, Tensor source, *, Tensor(a!) out)}:
 * out is self and mask broadcast together; where the mask is true it takes the next element of
 * source (in source's row-major order), elsewhere self's element. Too few source elements are
 * InvalidArgument.
 */
public final class MaskedScatter {
  private static final String OP = "aten::masked_scatter.out";

  private MaskedScatter() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 5);
          TensorImpl self0 = args[0].toTensor();
          KernelChecks.sameDtype(OP, self0, "self", args[3].toTensor(), "out");
          KernelChecks.sameDtype(OP, self0, "self", args[2].toTensor(), "source");
          if (args[1].toTensor().dtype() != ScalarType.BOOL) {
            throw KernelChecks.invalid(OP, "mask must be bool, not " + args[1].toTensor().dtype().displayName());
          }
          return (KernelCall)
              context -> {
                TensorImpl self = args[0].toTensor();
                TensorImpl mask = args[1].toTensor();
                TensorImpl source = args[2].toTensor();
                TensorImpl out = args[3].toTensor();
                KernelChecks.contiguous(OP, source, "source");
                int[] shape = MaskedSelect.broadcastShape(OP, self, mask);
                Shapes.resize(OP, out, shape);
                long[] ss = ViewCopy.broadcast(OP, self, shape).strides();
                long[] ms = ViewCopy.broadcast(OP, mask, shape).strides();
                long[] os = out.strides();
                long n = Shapes.numel(shape);
                if (n == 0) {
                  return;
                }
                MemorySegment src = self.data();
                MemorySegment m = mask.data();
                MemorySegment from = source.numel() == 0 ? null : source.data();
                MemorySegment dst = out.data();
                int es = self.dtype().elementSize();
                long available = source.numel();
                long next = 0;
                int[] coord = new int[shape.length];
                for (long k = 0; k < n; k++) {
                  long o = MaskedSelect.dot(coord, os);
                  if (m.get(ValueLayout.JAVA_BYTE, MaskedSelect.dot(coord, ms)) != 0) {
                    if (next >= available) {
                      throw KernelChecks.invalid(OP, "source has " + available + " elements, fewer than the mask selects");
                    }
                    StridedCopy.copyElement(from, next++, dst, o, es);
                  } else {
                    StridedCopy.copyElement(src, MaskedSelect.dot(coord, ss), dst, o, es);
                  }
                  MaskedSelect.advance(shape, coord);
                }
              };
        });
  }
}
