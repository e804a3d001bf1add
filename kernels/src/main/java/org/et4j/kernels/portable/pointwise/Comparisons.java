package org.et4j.kernels.portable.pointwise;

import org.et4j.kernels.util.DtypeRules;
import org.et4j.kernels.util.ElementwiseLoops.BinaryOp;
import org.et4j.kernels.util.ElementwiseLoops.UnaryOp;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.TypePromotion;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.et4j.runtime.kernel.Value;

/**
 * {@code aten::eq/ne/lt/le/gt/ge} ({@code .Tensor_out} and {@code .Scalar_out}): ExecuTorch's
 * {@code pattern/comparison_op.h}, one row per op as there. Compares in the promoted type —
 * float32 when two different floating dtypes meet — and writes 1/0 into any real or bool out.
 */
public final class Comparisons {
  private Comparisons() {}

  /** A comparison of two values in the compute domain. */
  interface Comparison {
    boolean doubles(double a, double b);

    boolean longs(long a, long b);
  }

  public static void register(KernelRegistry.Builder r) {
    comparison(r, "eq", new Comparison() {
      public boolean doubles(double a, double b) { return a == b; }
      public boolean longs(long a, long b) { return a == b; }
    });
    comparison(r, "ne", new Comparison() {
      public boolean doubles(double a, double b) { return a != b; }
      public boolean longs(long a, long b) { return a != b; }
    });
    comparison(r, "lt", new Comparison() {
      public boolean doubles(double a, double b) { return a < b; }
      public boolean longs(long a, long b) { return a < b; }
    });
    comparison(r, "le", new Comparison() {
      public boolean doubles(double a, double b) { return a <= b; }
      public boolean longs(long a, long b) { return a <= b; }
    });
    comparison(r, "gt", new Comparison() {
      public boolean doubles(double a, double b) { return a > b; }
      public boolean longs(long a, long b) { return a > b; }
    });
    comparison(r, "ge", new Comparison() {
      public boolean doubles(double a, double b) { return a >= b; }
      public boolean longs(long a, long b) { return a >= b; }
    });
  }

  static void comparison(KernelRegistry.Builder r, String name, Comparison c) {
    String tensorOp = "aten::" + name + ".Tensor_out";
    String scalarOp = "aten::" + name + ".Scalar_out";
    BinaryOp f = BinaryOp.of((a, b) -> c.doubles(a, b) ? 1.0 : 0.0, (a, b) -> c.longs(a, b) ? 1 : 0);
    r.register(tensorOp, RebindingCall.wrap(args -> bindTensor(tensorOp, args, f)));
    r.register(scalarOp, RebindingCall.wrap(args -> bindScalar(scalarOp, args, c)));
  }

  static KernelCall bindTensor(String op, Value[] args, BinaryOp f) {
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    TensorImpl b = KernelChecks.tensor(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = TypePromotion.promote(a.dtype(), b.dtype());
    if (common.isFloatingPoint() && a.dtype() != b.dtype()) {
      common = ScalarType.FLOAT;
    }
    PointwiseSupport.realHBBF16(op, a, b, out);
    KernelChecks.sameDimOrder(op, a, b, out);
    return PointwiseSupport.binary(op, a, b, out, DtypeRules.computeType(common), f);
  }

  static KernelCall bindScalar(String op, Value[] args, Comparison c) {
    KernelChecks.argCount(op, args, 3);
    TensorImpl a = KernelChecks.tensor(op, args, 0);
    Value b = KernelChecks.scalar(op, args, 1);
    TensorImpl out = KernelChecks.tensor(op, args, 2);
    ScalarType common = DtypeRules.promoteWithScalar(a.dtype(), b);
    PointwiseSupport.realHBBF16(op, a, out);
    KernelChecks.sameDimOrder(op, a, out);
    ScalarType compute = DtypeRules.computeType(common);
    UnaryOp f;
    if (compute.isFloatingPoint()) {
      double s = DtypeRules.scalarAsDouble(b, compute);
      f = UnaryOp.ofDouble(x -> c.doubles(x, s) ? 1.0 : 0.0);
    } else {
      long s = DtypeRules.scalarAsLong(b, compute);
      f = UnaryOp.ofLong(x -> c.longs(x, s) ? 1 : 0);
    }
    return PointwiseSupport.unary(op, a, out, compute, f);
  }
}
