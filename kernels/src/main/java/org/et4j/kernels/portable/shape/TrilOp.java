package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::tril.out(Tensor self, int diagonal=0, *, Tensor(a!) out)}: the lower triangle of
 * each matrix in the last two dimensions (column j of row i kept when j ≤ i + diagonal), zero
 * elsewhere. All-zero bits are zero in every dtype, so clearing is a byte fill.
 */
public final class TrilOp {
  private static final String OP = "aten::tril.out";
  private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[8]);

  private TrilOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 4);
          KernelChecks.sameDtype(OP, args[0].toTensor(), "self", args[2].toTensor(), "out");
          return new PlannedCall(args, 0, 1) {
            private StridedCopy copy;

            @Override
            protected void plan() {
              TensorImpl self = args[0].toTensor();
              TensorImpl out = args[2].toTensor();
              if (self.dim() < 2) {
                throw KernelChecks.invalid(OP, "expects rank >= 2, got " + self.describe());
              }
              Shapes.resize(OP, out, self.sizes());
              copy = StridedCopy.of(self.dtype(), 0, self.sizes(), self.strides(), out.dtype(), 0, out.strides());
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl out = args[2].toTensor();
              if (copy.isEmpty()) {
                return;
              }
              MemorySegment data = out.data();
              copy.run(args[0].toTensor().data(), data);
              int rank = out.dim();
              int rows = out.size(rank - 2);
              int cols = out.size(rank - 1);
              long rowStride = out.stride(rank - 2);
              long colStride = out.stride(rank - 1);
              long matrices = out.numel() / ((long) rows * cols);
              long diagonal = args[1].toInt();
              int es = out.dtype().elementSize();
              // Batch offsets follow the out strides of the leading dimensions.
              int lead = rank - 2;
              for (long m = 0; m < matrices; m++) {
                long base = 0;
                long rest = m;
                for (int d = lead - 1; d >= 0; d--) {
                  base += (rest % out.size(d)) * out.stride(d);
                  rest /= out.size(d);
                }
                for (int i = 0; i < rows; i++) {
                  long first = Math.max(0, Math.min(cols, i + diagonal + 1));
                  for (long j = first; j < cols; j++) {
                    MemorySegment.copy(ZEROS, 0, data, (base + i * rowStride + j * colStride) * es, es);
                  }
                }
              }
            }
          };
        });
  }
}
