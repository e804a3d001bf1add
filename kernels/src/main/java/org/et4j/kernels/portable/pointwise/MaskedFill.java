package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::masked_fill.Scalar_out(self, mask, value, *, out)}: ExecuTorch's
 * {@code op_masked_fill.cpp}. {@code mask ? value : self} with self and mask broadcast; value is
 * cast to self's dtype (C++ cast: a Double truncates into an integer tensor).
 */
public final class MaskedFill {
  static final String OUT = "aten::masked_fill.Scalar_out";

  private MaskedFill() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, MaskedFill::bind);
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 4);
    TensorImpl in = KernelChecks.tensor(OUT, args, 0);
    TensorImpl mask = KernelChecks.tensor(OUT, args, 1);
    Value value = KernelChecks.scalar(OUT, args, 2);
    TensorImpl out = KernelChecks.tensor(OUT, args, 3);
    KernelChecks.sameDtype(OUT, in, out);
    KernelChecks.dtype(OUT, "mask", mask, mask.dtype() == ScalarType.BOOL);
    PointwiseSupport.realHBBF16(OUT, in);
    KernelChecks.sameDimOrder(OUT, in, mask, out);
    // Computes in self's own dtype: the loads and stores are then exact copies.
    ScalarType compute = in.dtype();
    BinaryOp f;
    if (compute.isFloatingPoint()) {
      double fill = value.isInt() ? (double) value.toInt() : value.scalarToDouble();
      f = BinaryOp.ofDouble((x, m) -> m != 0 ? fill : x);
    } else {
      long fill = DtypeRules.scalarAsLong(value, compute);
      f = BinaryOp.ofLong((x, m) -> m != 0 ? fill : x);
    }
    return PointwiseSupport.binary(OUT, in, mask, out, compute, f);
  }
}
