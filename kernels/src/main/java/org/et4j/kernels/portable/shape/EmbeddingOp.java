package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::embedding.out(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool
 * scale_grad_by_freq=False, bool sparse=False, *, Tensor(a!) out)}: one row of the 2-d weight per
 * index (int64 or int32); out is {@code indices.shape + [embedding_dim]}. padding_idx and the
 * gradient flags only matter for training and are ignored, as in ExecuTorch.
 */
public final class EmbeddingOp {
  private static final String OP = "aten::embedding.out";

  private EmbeddingOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(
        OP,
        args -> {
          KernelChecks.slotCount(OP, args, 7);
          TensorImpl weight = args[0].toTensor();
          KernelChecks.sameDtype(OP, weight, "weight", args[5].toTensor(), "out");
          KernelChecks.indexType(OP, args[1].toTensor(), "indices");
          if (weight.dim() != 2) {
            throw KernelChecks.invalid(OP, "weight must be 2-d, got " + weight.describe());
          }
          return new PlannedCall(args, 0, 1) {
            @Override
            protected void plan() {
              TensorImpl w = args[0].toTensor();
              TensorImpl indices = args[1].toTensor();
              TensorImpl out = args[5].toTensor();
              KernelChecks.contiguous(OP, w, "weight");
              KernelChecks.contiguous(OP, out, "out");
              KernelChecks.contiguous(OP, indices, "indices");
              int[] sizes = new int[indices.dim() + 1];
              for (int d = 0; d < indices.dim(); d++) {
                sizes[d] = indices.size(d);
              }
              sizes[indices.dim()] = w.size(1);
              Shapes.resize(OP, out, sizes);
            }

            @Override
            protected void run(KernelContext context) {
              TensorImpl w = args[0].toTensor();
              TensorImpl indices = args[1].toTensor();
              TensorImpl out = args[5].toTensor();
              long rows = w.size(0);
              long row = (long) w.size(1) * w.dtype().elementSize();
              long n = indices.numel();
              MemorySegment idx = indices.data();
              MemorySegment src = w.data();
              MemorySegment dst = row == 0 ? null : out.data();
              for (long k = 0; k < n; k++) {
                long v = Elements.readLong(indices.dtype(), idx, k);
                if (v < 0 || v >= rows) {
                  throw KernelChecks.indexOutOfRange(OP, v, 0, rows);
                }
                if (row != 0) {
                  MemorySegment.copy(src, v * row, dst, k * row, row);
                }
              }
            }
          };
        });
  }
}
