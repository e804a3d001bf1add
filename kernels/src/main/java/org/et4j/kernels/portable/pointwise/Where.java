package org.et4j.kernels.portable.pointwise;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.et4j.kernels.util.BroadcastIndexes;
import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops;
import org.et4j.kernels.util.ElementwiseLoops.TernaryOp;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::where.self_out(condition, self, other, *, out)}: ExecuTorch's {@code op_where.cpp},
 * {@code condition ? self : other} with all three broadcast; the condition is bool or uint8 and
 * out has the promoted dtype of self and other.
 */
public final class Where {
  static final String OUT = "aten::where.self_out";

  private static final TernaryOp SELECT =
      new TernaryOp() {
        @Override
        public double applyAsDouble(double a, double b, double c) {
          return c != 0 ? a : b;
        }

        @Override
        public long applyAsLong(long a, long b, long c) {
          return c != 0 ? a : b;
        }
      };

  private Where() {}

  public static void register(KernelRegistry.Builder r) {
    r.register(OUT, RebindingCall.wrap(Where::bind));
  }

  static KernelCall bind(Value[] args) {
    KernelChecks.argCount(OUT, args, 4);
    TensorImpl cond = KernelChecks.tensor(OUT, args, 0);
    TensorImpl a = KernelChecks.tensor(OUT, args, 1);
    TensorImpl b = KernelChecks.tensor(OUT, args, 2);
    TensorImpl out = KernelChecks.tensor(OUT, args, 3);
    // Common dtype
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    // Checks
    KernelChecks.outDtype(OUT, common, out);
    PointwiseSupport.realHBBF16(OUT, a, b, out);
    KernelChecks.dtype(
        OUT, "condition", cond, cond.dtype() == ScalarType.BOOL || cond.dtype() == ScalarType.BYTE);
    KernelChecks.sameDimOrder(OUT, cond, a, b, out);
    // Compute dtype
    ScalarType compute = DtypeRules.computeType(common);
    BroadcastIndexes it = BroadcastIndexes.of(OUT, out, a, b, cond);
    boolean fast = PointwiseSupport.allFloat(a, b, out) && cond.dtype() == ScalarType.BOOL;
    return ctx -> {
      it.resizeOutToBroadcast();
      if (fast && it.numel() > 0) {
        if (it.isFlat()) {
          FloatPointwise.instance().where(cond.data(), a.data(), b.data(), out.data(), it.numel());
        } else {
          selectFloatBroadcast(it);
        }
      } else {
        ElementwiseLoops.ternary(it, compute, SELECT);
      }
    };
  }

  /** float32 select over broadcast operands (attention masks), without per-element dispatch. */
  static void selectFloatBroadcast(BroadcastIndexes it) {
    MemorySegment so = it.out().data();
    MemorySegment sa = it.input(0).data();
    MemorySegment sb = it.input(1).data();
    MemorySegment sc = it.input(2).data();
    long n = it.numel();
    it.reset();
    for (long i = 0; i < n; i++) {
      boolean c = sc.get(ValueLayout.JAVA_BYTE, it.offset(3)) != 0;
      float v = c ? sa.getAtIndex(Elements.F32, it.offset(1)) : sb.getAtIndex(Elements.F32, it.offset(2));
      so.setAtIndex(Elements.F32, it.offset(0), v);
      it.advance();
    }
  }
}
