package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.Elements;
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
    r.register(OUT, RebindingCall.wrap(MaskedFill::bind));
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
    if (compute == ScalarType.FLOAT) {
      BroadcastIndexes it = BroadcastIndexes.of(OUT, out, in, mask);
      float fill = (float) f.applyAsDouble(0.0, 1.0);
      return ctx -> {
        it.resizeOutToBroadcast();
        fillFloat(it, fill);
      };
    }
    return PointwiseSupport.binary(OUT, in, mask, out, compute, f);
  }

  /** float32 masked fill without per-element dispatch. */
  static void fillFloat(BroadcastIndexes it, float fill) {
    MemorySegment so = it.out().data();
    MemorySegment si = it.input(0).data();
    MemorySegment sm = it.input(1).data();
    long n = it.numel();
    if (n == 0) {
      return;
    }
    boolean flat = it.isFlat();
    it.reset();
    for (long i = 0; i < n; i++) {
      long oi = flat ? i : it.offset(0);
      long ii = flat ? i : it.offset(1);
      long mi = flat ? i : it.offset(2);
      float v = sm.get(ValueLayout.JAVA_BYTE, mi) != 0 ? fill : si.getAtIndex(Elements.F32, ii);
      so.setAtIndex(Elements.F32, oi, v);
      if (!flat) {
        it.advance();
      }
    }
  }
}
