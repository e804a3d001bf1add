package org.et4j.kernels.portable.shape;

import java.lang.foreign.MemorySegment;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.PlannedCall;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * {@code aten::index_put.out(Tensor self, Tensor?[] indices, Tensor values, bool
 * accumulate=False, *, Tensor(a!) out)} and {@code aten::index_put_(Tensor(a!) self, Tensor?[]
 * indices, Tensor values, bool accumulate=False)}: {@code self[indices] = values} (or {@code +=}),
 * values broadcast to the indexed shape; with repeated indices the last write wins, or all add up
 * when accumulating. The in-place form is what KV-cache updates export to (ExecuTorch's reinplace
 * pass makes it of an index_put whose input is not read again); it takes what ExecuTorch's {@code
 * op_index_put.cpp} takes and raises InvalidArgument on the rest, as ExecuTorch does ({@link
 * #checkInPlace}): no accumulate, one non-null 1-D int64/int32 index tensor with values in {@code
 * [0, size)}, values of the input's shape but the indexed dim's length, default dim order.
 */
public final class IndexPut {
  private static final String OUT = "aten::index_put.out";
  private static final String INPLACE = "aten::index_put_";

  private IndexPut() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, kernel(OUT, 6, 4));
    r.register(INPLACE, kernel(INPLACE, 5, 0));
  }

  private static OpKernel kernel(String op, int arity, int outIndex) {
    return args -> {
      KernelChecks.slotCount(op, args, arity);
      TensorImpl self = args[0].toTensor();
      KernelChecks.sameDtype(op, self, "self", args[2].toTensor(), "values");
      KernelChecks.sameDtype(op, self, "self", args[outIndex].toTensor(), "out");
      return new PlannedCall(args, 0, 1, 2) {
        private AdvancedIndex index;
        private long[] valueStrides;

        @Override
        protected void plan() {
          index = build();
        }

        private AdvancedIndex build() {
          TensorImpl in = args[0].toTensor();
          TensorImpl out = args[outIndex].toTensor();
          AdvancedIndex ix = AdvancedIndex.of(op, in, args[1].toTensorList());
          valueStrides = ViewCopy.broadcast(op, args[2].toTensor(), ix.xSizes).strides();
          if (out != in) {
            KernelChecks.contiguous(op, out, "out");
            Shapes.resize(op, out, in.sizes());
          }
          return ix;
        }

        @Override
        protected void run(KernelContext context) {
          if (index.dataDependent) {
            index = build();
          } else {
            index.refresh();
          }
          TensorImpl in = args[0].toTensor();
          TensorImpl out = args[outIndex].toTensor();
          if (op.equals(INPLACE)) {
            checkInPlace(in, args[1].toTensorList(), args[2].toTensor(), args[3].toBool());
          }
          if (out != in && in.numel() > 0) {
            MemorySegment.copy(in.data(), 0, out.data(), 0, in.nbytes());
          }
          if (Shapes.numel(index.xSizes) == 0) {
            return;
          }
          index.scatter(args[2].toTensor().data(), valueStrides, out.data(), in.dtype(), args[3].toBool());
        }
      };
    };
  }

  /** ExecuTorch's {@code check_special_case_in_place_args} and the in-place kernel's dim-order checks. */
  static void checkInPlace(TensorImpl in, TensorImpl[] indices, TensorImpl values, boolean accumulate) {
    if (!java.util.Arrays.equals(in.dimOrder(), values.dimOrder()) || !in.isContiguous()) {
      throw KernelChecks.invalid(INPLACE, "self and values must have the default dim order, got "
          + KernelChecks.describe(in, values));
    }
    if (accumulate) {
      throw KernelChecks.invalid(INPLACE, "the in-place form does not accumulate (as ExecuTorch's)");
    }
    if (indices.length > in.dim()) {
      throw KernelChecks.invalid(INPLACE, "indexing too many dimensions: " + indices.length + " of " + in.describe());
    }
    int dim = -1;
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] == null) {
        continue;
      }
      if (dim >= 0) {
        throw KernelChecks.invalid(INPLACE, "the in-place form takes one non-null index tensor");
      }
      dim = i;
      TensorImpl index = indices[i];
      if (index.dtype() != org.et4j.runtime.ScalarType.LONG && index.dtype() != org.et4j.runtime.ScalarType.INT) {
        throw KernelChecks.invalid(INPLACE, "the index tensor must be int64 or int32, got " + index.describe());
      }
      if (index.dim() != 1) {
        throw KernelChecks.invalid(INPLACE, "the index tensor must be 1-D, got " + index.describe());
      }
    }
    if (dim < 0) {
      throw KernelChecks.invalid(INPLACE, "the in-place form needs a non-null index tensor");
    }
    TensorImpl index = indices[dim];
    long size = in.size(dim);
    boolean isLong = index.dtype() == org.et4j.runtime.ScalarType.LONG;
    for (long k = 0; k < index.numel(); k++) {
      long ix = isLong ? index.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, k)
          : index.data().getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, k);
      if (ix < 0 || ix >= size) {
        throw KernelChecks.invalid(INPLACE, "index " + ix + " out of range [0, " + size + ") at dim " + dim);
      }
    }
    boolean shapeOk = values.dim() == in.dim();
    for (int i = 0; shapeOk && i < in.dim(); i++) {
      shapeOk = values.size(i) == (i == dim ? index.size(0) : in.size(i));
    }
    if (!shapeOk) {
      throw KernelChecks.invalid(INPLACE, "values " + values.describe() + " must have the shape of self "
          + in.describe() + " but " + index.size(0) + " at the indexed dim " + dim);
    }
  }
}
