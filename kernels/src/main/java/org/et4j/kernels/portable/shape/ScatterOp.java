package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.Fill;
import org.et4j.kernels.util.OpSupport;
import org.et4j.kernels.util.StridedCopy;
import org.et4j.runtime.kernel.KernelCall;
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
    r.register(SRC, kernel(SRC, false, false));
    r.register(VALUE, kernel(VALUE, true, false));
  }

  /** The scatter kernels; {@code add} makes scatter_add. */
  static OpKernel kernel(String op, boolean value, boolean add) {
    return args -> {
      OpSupport.checkArity(op, args, 6);
      TensorImpl self0 = args[0].toTensor();
      OpSupport.checkSameDtype(op, self0, "self", args[4].toTensor(), "out");
      if (!value) {
        OpSupport.checkSameDtype(op, self0, "self", args[3].toTensor(), "src");
      } else if (!args[3].isScalar()) {
        throw OpSupport.invalid(op, "value must be a Scalar, got " + args[3].tag());
      }
      return (KernelCall)
          context -> {
            TensorImpl self = args[0].toTensor();
            TensorImpl index = args[2].toTensor();
            TensorImpl out = args[4].toTensor();
            TensorImpl src = value ? null : args[3].toTensor();
            OpSupport.checkContiguous(op, out, "out");
            if (src != null) {
              OpSupport.checkContiguous(op, src, "src");
            }
            OpSupport.resize(op, out, self.sizes());
            int dim = GatherScatter.check(op, out, args[1].toInt(), index, src);
            if (out.numel() == 0) {
              return;
            }
            MemorySegment dst = out.data();
            if (out != self) {
              MemorySegment.copy(self.data(), 0, dst, 0, self.nbytes());
            }
            int es = out.dtype().elementSize();
            if (value) {
              MemorySegment one = context.scratch(8);
              Fill.writeScalar(out.dtype(), one, args[3]);
              GatherScatter.walk(op, out, dim, index, null, (o, s) -> StridedCopy.copyElement(one, 0, dst, o, es));
            } else if (add) {
              MemorySegment from = src.data();
              var type = out.dtype();
              GatherScatter.walk(op, out, dim, index, src, (o, s) -> StridedCopy.addElement(type, from, s, dst, o));
            } else {
              MemorySegment from = src.data();
              GatherScatter.walk(op, out, dim, index, src, (o, s) -> StridedCopy.copyElement(from, s, dst, o, es));
            }
          };
    };
  }
}
