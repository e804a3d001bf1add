package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::scatter.src_out(Tensor self, int dim, Tensor index, Tensor src, *, Tensor(a!)
 * out)} and {@code aten::scatter.value_out(Tensor self, int dim, Tensor index, Scalar value, *,
 * Tensor(a!) out)}: out is self with {@code out[index[i][j]][j] = src[i][j]} (or the value), for
 * dim 0; with repeated indices the last write wins.
 */
public final class ScatterOp {
  private static final String SRC = "aten::scatter.src_out";
  private static final String VALUE = "aten::scatter.value_out";

  private ScatterOp() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(SRC, kernel(SRC, GatherScatter.Mode.SCATTER));
    r.register(VALUE, kernel(VALUE, GatherScatter.Mode.SCATTER_VALUE));
  }

  /** The scatter kernels (scatter_add too). */
  static OpKernel kernel(String op, GatherScatter.Mode mode) {
    boolean value = mode == GatherScatter.Mode.SCATTER_VALUE;
    return args -> {
      KernelChecks.slotCount(op, args, 6);
      TensorImpl self0 = args[0].toTensor();
      KernelChecks.sameDtype(op, self0, "self", args[4].toTensor(), "out");
      if (!value) {
        KernelChecks.sameDtype(op, self0, "self", args[3].toTensor(), "src");
      } else if (!args[3].isScalar()) {
        throw KernelChecks.invalid(op, "value must be a Scalar, got " + args[3].tag());
      }
      return new PlannedCall(args, 0, 1, 2, 3) {
        private final int[] coord = new int[16];
        private int dim;

        @Override
        protected void plan() {
          TensorImpl self = args[0].toTensor();
          TensorImpl out = args[4].toTensor();
          TensorImpl src = value ? null : args[3].toTensor();
          KernelChecks.contiguous(op, out, "out");
          if (src != null) {
            KernelChecks.contiguous(op, src, "src");
          }
          Shapes.resize(op, out, self.sizes());
          dim = GatherScatter.check(op, out, args[1].toInt(), args[2].toTensor(), src);
          if (value) {
            Fill.checkFits(op, out.dtype(), args[3]);
          }
        }

        @Override
        protected void run(KernelContext context) {
          TensorImpl self = args[0].toTensor();
          TensorImpl out = args[4].toTensor();
          if (out.numel() == 0) {
            return;
          }
          MemorySegment dst = out.data();
          if (out != self) {
            MemorySegment.copy(self.data(), 0, dst, 0, self.nbytes());
          }
          MemorySegment from;
          TensorImpl src = null;
          if (value) {
            from = context.scratch(8);
            Fill.writeScalar(out.dtype(), from, args[3]);
          } else {
            src = args[3].toTensor();
            from = src.numel() == 0 ? null : src.data();
          }
          GatherScatter.walk(op, out, dim, args[2].toTensor(), src, coord, mode, from, dst, out.dtype().elementSize());
        }
      };
    };
  }
}
